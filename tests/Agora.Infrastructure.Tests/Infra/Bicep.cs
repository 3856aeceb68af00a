using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Agora.Infrastructure.Tests.Infra;

/// <summary>The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (restored with this project), and the
/// ARM JSON it compiles infra/main.bicep to, once per test run.</summary>
internal static class Bicep
{
    private static readonly Lazy<JsonObject> Compiled = new(() => Build("infra/main.bicep"), LazyThreadSafetyMode.ExecutionAndPublication);

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot").TrimEnd('/', '\\');

    /// <summary>infra/main.bicep compiled to an ARM template; the modules are nested deployments inside it.</summary>
    public static JsonObject MainTemplate => (JsonObject)Compiled.Value.DeepClone();

    public static string PathOf(string relative) => Path.Combine(RepositoryRoot, relative);

    private static JsonObject Build(string relativePath)
    {
        var cli = Metadata("BicepCli");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"The Bicep CLI is not at {cli}: restore tests/Agora.Infrastructure.Tests (package Azure.Bicep.CommandLine.linux-x64).");
        }

        if (!OperatingSystem.IsWindows())
        {
            // NuGet does not keep the executable bit of package files everywhere.
            File.SetUnixFileMode(cli, File.GetUnixFileMode(cli) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        var start = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot };
        foreach (var argument in new[] { "build", PathOf(relativePath), "--stdout" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {cli}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build {relativePath} failed ({process.ExitCode}):\n{stderr.Result}");
        }

        return JsonNode.Parse(stdout)?.AsObject() ?? throw new InvalidOperationException($"bicep build {relativePath} wrote no template.");
    }

    private static string Metadata(string key) =>
        typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata (see Agora.Infrastructure.Tests.csproj).");
}
