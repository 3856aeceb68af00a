using System.Text.Json.Nodes;
using Agora.LocalHost;
using Agora.LocalHost.Dev;
using Agora.LocalHost.Emulators;

// `dotnet run --project functions/Agora.LocalHost`: the emulators, the backend on http://localhost:7071 and the demo marketplace.
var root = RepositoryRoot.Find();
var settingsPath = Path.Combine(root, "local.settings.json");
if (!File.Exists(settingsPath))
{
    // As with a Functions project: local.settings.json is the developer's own copy, never committed.
    File.Copy(Path.Combine(root, "local.settings.sample.json"), settingsPath);
    Console.WriteLine($"Created {settingsPath} from local.settings.sample.json.");
}

var settings = JsonNode.Parse(File.ReadAllText(settingsPath)) as JsonObject ?? [];
var values = settings["Values"] as JsonObject ?? [];
settings["Values"] = values;

// Settings added to the sample since this copy was made are added to it, so an older copy keeps working.
var sampleValues = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "local.settings.sample.json")))?["Values"] as JsonObject ?? [];
var added = sampleValues.Where(s => !values.ContainsKey(s.Key)).Select(s => s.Key).ToArray();
foreach (var key in added)
{
    values[key] = sampleValues[key]!.DeepClone();
}

if (added.Length > 0)
{
    File.WriteAllText(settingsPath, settings.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"Added to local.settings.json from the sample: {string.Join(", ", added)}.");
}

string? Setting(string name) => Environment.GetEnvironmentVariable(name) ?? values[name]?.GetValue<string>();

using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopping.Cancel();
});

LocalEmulators? emulators = null;
if (!string.Equals(Setting("LocalHost__StartEmulators"), "false", StringComparison.OrdinalIgnoreCase))
{
    var dataDirectory = Path.GetFullPath(Path.Combine(root, Setting("LocalHost__DataDirectory") ?? ".localdata"));
    var cosmosPort = new Uri(Setting("CosmosDb__Endpoint") ?? "http://127.0.0.1:8081/").Port;
    Console.WriteLine($"Starting Azurite (data in {Path.Combine(dataDirectory, "azurite")}) and the Cosmos DB emulator (in memory) ...");
    emulators = await LocalEmulators.StartAsync(
        new LocalEmulatorOptions { AzuriteDataDirectory = Path.Combine(dataDirectory, "azurite"), BlobPort = 10000, QueuePort = 10001, TablePort = 10002, CosmosPort = cosmosPort },
        stopping.Token);
}

try
{
    await using var backend = await LocalBackend.StartAsync(
        new LocalBackendOptions { LocalSettingsPath = settingsPath, SeedDemo = true, BlobPollingInterval = TimeSpan.FromSeconds(2) },
        stopping.Token);
    Console.WriteLine(Banner.For(backend.BaseAddress, Setting("LocalHost__MasterKey"), backend.DevTokens));
    try
    {
        await Task.Delay(Timeout.Infinite, stopping.Token);
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("Stopping ...");
    }
}
finally
{
    if (emulators is not null)
    {
        await emulators.DisposeAsync();
    }
}
