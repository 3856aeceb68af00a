using Agora.LocalHost.Emulators;

namespace Agora.Testing;

/// <summary>One Azurite and one Cosmos DB emulator per test process, on free loopback ports, started on first use and
/// stopped when the process ends (tools/emulator.js also ends them if this process is killed). Tests isolate their data
/// by naming their own database, containers and queues (see <see cref="Unique"/>).</summary>
public static class SharedEmulators
{
    private static readonly Lazy<Task<LocalEmulators>> Started = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static async Task<EmulatorEndpoints> GetAsync() => (await Started.Value.ConfigureAwait(false)).Endpoints;

    /// <summary>A name no other test uses: lower-case letters and digits, valid for queues, containers and databases.</summary>
    public static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 12, 63)];

    private static async Task<LocalEmulators> StartAsync()
    {
        var emulators = await LocalEmulators.StartAsync().ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => emulators.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return emulators;
    }
}
