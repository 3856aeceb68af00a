using System.Diagnostics;
using System.Globalization;

namespace Agora.LocalHost.Emulators;

/// <summary>Where the emulators listen, as the configuration values the application reads.</summary>
public sealed record EmulatorEndpoints(int BlobPort, int QueuePort, int TablePort, int CosmosPort)
{
    /// <summary>Azurite's well-known development account (public, documented by Microsoft; not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The Cosmos DB emulator's well-known key (the server does not check it; the SDK needs one).</summary>
    public const string CosmosKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    public string StorageConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    public string CosmosEndpoint => $"http://127.0.0.1:{CosmosPort}/";

    /// <summary>The application settings (Azure app-setting names) that point the application at these emulators.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = StorageConnectionString,
        ["CosmosDb:Endpoint"] = CosmosEndpoint,
        ["CosmosDb:Key"] = CosmosKey,
        ["CosmosDb:Emulator"] = "true",
    };
}

/// <summary>Options for <see cref="LocalEmulators"/>.</summary>
public sealed class LocalEmulatorOptions
{
    /// <summary>Folder where Azurite keeps its data; null keeps it in memory (tests).</summary>
    public string? AzuriteDataDirectory { get; init; }

    /// <summary>Fixed ports (0 = a free loopback port).</summary>
    public int BlobPort { get; init; }

    public int QueuePort { get; init; }

    public int TablePort { get; init; }

    public int CosmosPort { get; init; }
}

/// <summary>Azurite and the Cosmos DB server, started together from the npm packages pinned in package.json.</summary>
public sealed class LocalEmulators : IAsyncDisposable
{
    private readonly EmulatorProcess _azurite;
    private readonly EmulatorProcess _cosmos;

    private LocalEmulators(EmulatorProcess azurite, EmulatorProcess cosmos, EmulatorEndpoints endpoints)
    {
        _azurite = azurite;
        _cosmos = cosmos;
        Endpoints = endpoints;
    }

    public EmulatorEndpoints Endpoints { get; }

    public static async Task<LocalEmulators> StartAsync(LocalEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalEmulatorOptions();
        var root = RepositoryRoot.Find();
        await EnsureInstalledAsync(root, cancellationToken).ConfigureAwait(false);

        var endpoints = new EmulatorEndpoints(
            Port(options.BlobPort), Port(options.QueuePort), Port(options.TablePort), Port(options.CosmosPort));
        foreach (var port in new[] { endpoints.BlobPort, endpoints.QueuePort, endpoints.TablePort, endpoints.CosmosPort })
        {
            if (!EmulatorProcess.IsFree(port))
            {
                throw new InvalidOperationException(
                    $"Port {port} is in use: another Azurite, Cosmos DB emulator or `dotnet run` of Agora is running. Stop it, or set LocalHost__StartEmulators=false to use the emulators already running.");
            }
        }

        var inv = CultureInfo.InvariantCulture;
        var azuriteArguments = new List<string>
        {
            "azurite",
            "--blobHost", "127.0.0.1", "--blobPort", endpoints.BlobPort.ToString(inv),
            "--queueHost", "127.0.0.1", "--queuePort", endpoints.QueuePort.ToString(inv),
            "--tableHost", "127.0.0.1", "--tablePort", endpoints.TablePort.ToString(inv),
            "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
        };
        if (options.AzuriteDataDirectory is { } data)
        {
            Directory.CreateDirectory(data);
            azuriteArguments.AddRange(["--location", data]);
        }
        else
        {
            azuriteArguments.Add("--inMemoryPersistence");
        }

        var azuriteTask = EmulatorProcess.StartAsync("Azurite", root, azuriteArguments, [endpoints.BlobPort, endpoints.QueuePort, endpoints.TablePort], cancellationToken);
        var cosmosTask = EmulatorProcess.StartAsync("Cosmos DB", root, ["cosmos", "--port", endpoints.CosmosPort.ToString(inv)], [endpoints.CosmosPort], cancellationToken);
        try
        {
            await Task.WhenAll(azuriteTask, cosmosTask).ConfigureAwait(false);
        }
        catch
        {
            foreach (var task in new[] { azuriteTask, cosmosTask })
            {
                if (task.IsCompletedSuccessfully)
                {
                    await task.Result.DisposeAsync().ConfigureAwait(false);
                }
            }

            throw;
        }

        return new LocalEmulators(azuriteTask.Result, cosmosTask.Result, endpoints);
    }

    private static int Port(int configured) => configured > 0 ? configured : EmulatorProcess.FreePort();

    /// <summary>A loopback port free at the time of asking (for a second server in a test).</summary>
    public static int FreePort() => EmulatorProcess.FreePort();

    /// <summary>The build installs the npm packages (Agora.LocalHost.csproj); this covers a build that skipped it.</summary>
    private static async Task EnsureInstalledAsync(string root, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(root, "node_modules", "azurite", "package.json")) &&
            File.Exists(Path.Combine(root, "node_modules", "@vercel", "cosmosdb-server", "package.json")))
        {
            return;
        }

        var npm = new ProcessStartInfo("npm") { WorkingDirectory = root, UseShellExecute = false };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            npm.ArgumentList.Add(argument);
        }

        using var process = Process.Start(npm) ?? throw new InvalidOperationException("Could not start npm: Node.js 20 or later must be installed.");
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'npm ci' failed with exit code {process.ExitCode} in {root}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _azurite.DisposeAsync().ConfigureAwait(false);
        await _cosmos.DisposeAsync().ConfigureAwait(false);
    }
}
