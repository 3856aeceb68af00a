using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Agora.LocalHost.Runtime;

/// <summary>How <see cref="FunctionsRuntime"/> finds the compiled function app and what it adds around it.</summary>
public sealed class FunctionsRuntimeOptions
{
    private const string DefaultUrls = "http://localhost:7071";
    private readonly string? _urls;

    /// <summary>Folder with functions.metadata, host.json and the assemblies named by each function's scriptFile.</summary>
    public required string AppDirectory { get; init; }

    /// <summary>local.settings.json: its "Values" become configuration as func makes them environment variables
    /// ("__" means ":"); environment variables win over it. "Host": {"LocalHttpPort", "CORS", "CORSCredentials"} is honoured.</summary>
    public string? LocalSettingsPath { get; init; }

    /// <summary>Settings that win over every other source (tests, emulator endpoints).</summary>
    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Where Kestrel listens. When not set, local.settings.json "Host:LocalHttpPort" may change the port, as with func.
    /// Tests pass http://127.0.0.1:0 and read <see cref="FunctionsRuntime.BaseAddress"/>. Null means not set.</summary>
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public string Urls
    {
        get => _urls ?? DefaultUrls;
        init => _urls = value;
    }

    internal bool UrlsWereSet => _urls is not null;

    /// <summary>The application's one DI entry point is called here, after the runtime's own services are registered.</summary>
    public Action<IHostApplicationBuilder>? ConfigureServices { get; init; }

    /// <summary>Runs once the app's services are built and before any trigger listens or HTTP request is served: the place
    /// to create storage and databases, so that no function meets them missing.</summary>
    public Func<IServiceProvider, CancellationToken, Task>? BeforeStart { get; init; }

    /// <summary>Extra (development-only) endpoints added by the caller.</summary>
    public Action<WebApplication>? ConfigureEndpoints { get; init; }

    /// <summary>Drives timer schedules (tests pass a FakeTimeProvider) and is registered in DI unless the app overrides it.
    /// Storage polling keeps wall-clock time: Azurite's visibility timeouts are wall-clock too.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How often blob-triggered containers are listed. Production relies on Event Grid; Azurite sends no events.</summary>
    public TimeSpan BlobPollingInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Names this host in the blobs it keeps in azure-webjobs-hosts (timer status, blob receipts), as the host id does.</summary>
    public string HostId { get; init; } = "agora-localhost";
}
