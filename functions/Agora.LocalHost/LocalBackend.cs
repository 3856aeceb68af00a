using Agora.Functions;
using Agora.Infrastructure;
using Agora.LocalHost.Dev;
using Agora.LocalHost.Emulators;
using Agora.LocalHost.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.LocalHost;

/// <summary>Options for <see cref="LocalBackend"/>.</summary>
public sealed class LocalBackendOptions
{
    /// <summary>local.settings.json; null for none (tests pass everything in <see cref="Settings"/>).</summary>
    public string? LocalSettingsPath { get; init; }

    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    public string? Urls { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public TimeSpan BlobPollingInterval { get; init; } = TimeSpan.FromSeconds(2);

    public bool SeedDemo { get; init; }

    /// <summary>Create the database, containers, queues and blob containers at start (off only to test a broken dependency).</summary>
    public bool EnsureResources { get; init; } = true;

    /// <summary>Names this host in azure-webjobs-hosts (timer status, blob receipts); two hosts on one storage account need two.</summary>
    public string HostId { get; init; } = "agora-localhost";

    /// <summary>Runs after the application's wiring, before the host is built: the tests add their telemetry exporters here.</summary>
    public Action<Microsoft.Extensions.Hosting.IHostApplicationBuilder>? Configure { get; init; }
}

/// <summary>The whole backend on one machine: the compiled Agora.Functions hosted by the local runtime, its dev-only
/// endpoints, its storage and database created, and optionally the demo marketplace. `dotnet run` and the end-to-end
/// tests both start it this way.</summary>
public sealed class LocalBackend : IAsyncDisposable
{
    private LocalBackend(FunctionsRuntime runtime, bool devTokens, MailSink mailSink)
    {
        Runtime = runtime;
        DevTokens = devTokens;
        MailSink = mailSink;
    }

    /// <summary>The SendGrid stand-in: what was sent, and the key its webhook events are signed with.</summary>
    public MailSink MailSink { get; }

    public FunctionsRuntime Runtime { get; }

    /// <summary>Whether <c>/dev/token</c> and <c>/dev/users</c> are served (local development only: see
    /// <see cref="Dev.DevTokens.IsLocalDevelopment"/>).</summary>
    public bool DevTokens { get; }

    public Uri BaseAddress => Runtime.BaseAddress;

    public IServiceProvider Services => Runtime.Services;

    public static async Task<LocalBackend> StartAsync(LocalBackendOptions options, CancellationToken cancellationToken = default)
    {
        var devTokens = false;
        var mailSink = new MailSink(options.TimeProvider);
        var runtime = await FunctionsRuntime.StartAsync(
            new FunctionsRuntimeOptions
            {
                AppDirectory = AppContext.BaseDirectory,
                LocalSettingsPath = options.LocalSettingsPath,
                Settings = options.Settings,
                Urls = options.Urls,
                TimeProvider = options.TimeProvider,
                BlobPollingInterval = options.BlobPollingInterval,
                HostId = options.HostId,
                ConfigureServices = builder =>
                {
                    // One line per entry, with its scopes: every line carries the correlation id or the invocation id.
                    builder.Logging.AddSimpleConsole(console =>
                    {
                        console.IncludeScopes = true;
                        console.SingleLine = true;
                        console.TimestampFormat = "HH:mm:ss ";
                    });
                    builder.Logging.Configure(logging => logging.ActivityTrackingOptions = ActivityTrackingOptions.None);
                    if (string.IsNullOrWhiteSpace(builder.Configuration["SendGrid:WebhookPublicKey"]))
                    {
                        // The mail sink signs the events it posts to the webhook (unsubscribe links, simulated deliveries)
                        // with a key pair made at start: the app trusts its public half, as it trusts SendGrid's in Azure.
                        builder.Configuration["SendGrid:WebhookPublicKey"] = mailSink.PublicKey;
                    }

                    builder.AddAgoraServices();
                    builder.Services.AddSingleton<IFunctionInvocationFilter, AgoraInvocationFilter>();
                    options.Configure?.Invoke(builder);
                },
                BeforeStart = async (services, ct) =>
                {
                    if (options.EnsureResources)
                    {
                        await services.GetRequiredService<AgoraResources>().EnsureCreatedAsync(ct).ConfigureAwait(false);
                    }

                    if (options.SeedDemo)
                    {
                        await DemoMarketplace.SeedAsync(services, ct).ConfigureAwait(false);
                    }
                },
                ConfigureEndpoints = app =>
                {
                    devTokens = Dev.DevTokens.Map(app);
                    mailSink.Map(app);
                },
            },
            cancellationToken).ConfigureAwait(false);
        return new LocalBackend(runtime, devTokens, mailSink);
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync().ConfigureAwait(false);
        MailSink.Dispose();
    }
}
