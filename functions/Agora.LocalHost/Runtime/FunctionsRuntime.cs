using System.Globalization;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.LocalHost.Runtime;

/// <summary>Hosts a compiled isolated-worker function app in this process with the Functions host's semantics, because
/// the real host (func) cannot run here: HTTP through Kestrel, timers, storage queues and Event Grid blob triggers.
/// It knows nothing of the app: the caller passes the app folder, settings and the app's DI entry point.</summary>
public sealed partial class FunctionsRuntime : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IReadOnlyList<ITriggerListener> _listeners;
    private readonly InvocationTracker _tracker;
    private readonly CancellationTokenSource _stopping;
    private readonly ILogger _logger;
    private int _stopped;
    private bool _appStarted;

    private FunctionsRuntime(WebApplication app, IReadOnlyList<FunctionDescriptor> functions, IReadOnlyList<ITriggerListener> listeners,
        InvocationTracker tracker, CancellationTokenSource stopping, ILogger logger)
    {
        _app = app;
        Functions = functions;
        _listeners = listeners;
        _tracker = tracker;
        _stopping = stopping;
        _logger = logger;
    }

    /// <summary>The address Kestrel actually bound (port 0 resolved).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    /// <summary>How many invocations of <paramref name="functionName"/> have finished, succeeded or failed: with
    /// <see cref="WaitForCompletedAsync"/>, what lets a caller (a test) await a run it started through the admin endpoint,
    /// which answers 202 at once as the host's does.</summary>
    public int CompletedInvocations(string functionName) => _tracker.CompletedCount(functionName);

    /// <summary>Completes once no invocation of the timer function <paramref name="functionName"/> is asked for, queued or running.</summary>
    public Task WaitForSettledAsync(string functionName, CancellationToken cancellationToken = default) =>
        _tracker.WaitForSettledAsync(functionName, cancellationToken);

    public Task WaitForCompletedAsync(string functionName, int count, CancellationToken cancellationToken = default) =>
        _tracker.WaitForCompletedAsync(functionName, count, cancellationToken);

    public static async Task<FunctionsRuntime> StartAsync(FunctionsRuntimeOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var appDirectory = Path.GetFullPath(options.AppDirectory);
        var localSettings = LocalSettings.Read(options.LocalSettingsPath);
        var hostJson = HostJson.Read(appDirectory);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = appDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable("AZURE_FUNCTIONS_ENVIRONMENT") ?? Environments.Development,
        });
        ConfigureConfiguration(builder.Configuration, options, localSettings, hostJson);
        hostJson = hostJson.WithOverrides(builder.Configuration);
        builder.WebHost.UseUrls(Urls(options, localSettings));

        // The app sees the runtime's clock (a FakeTimeProvider in tests) unless it registers its own.
        builder.Services.AddSingleton(options.TimeProvider);
        // IActionResult execution needs MVC's executors and formatters (System.Text.Json, web defaults).
        builder.Services.AddMvcCore();
        builder.Services.AddCors();
        options.ConfigureServices?.Invoke(builder);

        var functions = MetadataReader.Read(appDirectory, builder.Configuration);
        var app = builder.Build();
        var stopping = new CancellationTokenSource();
        var tracker = new InvocationTracker();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger("Host.LocalRuntime");
        var listeners = new List<ITriggerListener>();
        var runtime = new FunctionsRuntime(app, functions, listeners, tracker, stopping, logger);
        List<HttpTriggerHost> httpHosts;
        try
        {
            var executor = new FunctionExecutor(app.Services, loggerFactory, tracker);
            httpHosts = CreateTriggers(functions, options, hostJson, executor, new StorageAccounts(app.Configuration), logger, listeners);
            ConfigurePipeline(app, localSettings);
            var keys = new KeyAuthorizer(app.Configuration);
            foreach (var http in httpHosts)
            {
                http.Map(app, executor, keys, stopping.Token);
            }

            AdminEndpoints.Map(app, listeners, functions, keys, tracker, logger);
            options.ConfigureEndpoints?.Invoke(app);
            if (options.BeforeStart is { } beforeStart)
            {
                await beforeStart(app.Services, ct).ConfigureAwait(false);
            }

            await app.StartAsync(ct).ConfigureAwait(false);
            runtime._appStarted = true;
            runtime.BaseAddress = BoundAddress(app);
            foreach (var listener in listeners)
            {
                await listener.StartAsync(ct).ConfigureAwait(false);
            }
        }
        catch
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        Log.Started(logger, functions.Count, runtime.BaseAddress);
        foreach (var http in httpHosts)
        {
            Log.HttpFunction(logger, http.Function.Name, http.Describe(runtime.BaseAddress));
        }

        return runtime;
    }

    /// <summary>Graceful: stop polling and timers, cancel the invocations' tokens, wait for invocations in flight, then stop Kestrel.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            try
            {
                await listener.StopAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.StopFailed(_logger, listener.Function.Name, e);
            }
        }

        await _tracker.WaitForIdleAsync(ct).ConfigureAwait(false);
        if (_appStarted)
        {
            await _app.StopAsync(ct).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Gave up waiting for invocations; disposing ends the rest.
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _stopping.Dispose();
    }

    private static List<HttpTriggerHost> CreateTriggers(IReadOnlyList<FunctionDescriptor> functions, FunctionsRuntimeOptions options, HostJson hostJson,
        FunctionExecutor executor, StorageAccounts storage, ILogger logger, List<ITriggerListener> listeners)
    {
        var httpHosts = new List<HttpTriggerHost>();
        foreach (var function in functions)
        {
            switch (function.TriggerType.ToUpperInvariant())
            {
                case "HTTPTRIGGER":
                    httpHosts.Add(new HttpTriggerHost(function, hostJson.RoutePrefix));
                    break;
                case "TIMERTRIGGER":
                    listeners.Add(new TimerTriggerHost(function, executor, storage, options.HostId, options.TimeProvider, logger));
                    break;
                case "QUEUETRIGGER":
                    listeners.Add(new QueueTriggerHost(function, executor, storage, hostJson.Queues, logger));
                    break;
                case "BLOBTRIGGER":
                    listeners.Add(new BlobTriggerHost(function, executor, storage, hostJson.Queues, options.HostId, options.BlobPollingInterval, logger));
                    break;
            }
        }

        return httpHosts;
    }

    private static void ConfigurePipeline(WebApplication app, LocalSettings localSettings)
    {
        app.UseRouting();
        if (localSettings.CorsOrigins.Count > 0)
        {
            app.UseCors(policy =>
            {
                policy.AllowAnyHeader().AllowAnyMethod();
                if (localSettings.CorsOrigins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    policy.WithOrigins([.. localSettings.CorsOrigins]);
                    if (localSettings.CorsCredentials)
                    {
                        policy.AllowCredentials();
                    }
                }
            });
        }

        HttpTriggerHost.UseHostNotFoundForWrongMethod(app);
    }

    /// <summary>As func: local.settings.json Values, then environment variables, then the caller's settings (which win).</summary>
    private static void ConfigureConfiguration(ConfigurationManager configuration, FunctionsRuntimeOptions options, LocalSettings localSettings, HostJson hostJson)
    {
        configuration.Sources.Clear();
        configuration.AddInMemoryCollection(hostJson.LoggingSettings);
        configuration.AddInMemoryCollection(localSettings.Values);
        configuration.AddEnvironmentVariables();
        configuration.AddInMemoryCollection(options.Settings.ToDictionary(
            s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => s.Value, StringComparer.OrdinalIgnoreCase));
    }

    private static string Urls(FunctionsRuntimeOptions options, LocalSettings localSettings) =>
        !options.UrlsWereSet && localSettings.LocalHttpPort is { } port
            ? string.Create(CultureInfo.InvariantCulture, $"http://localhost:{port}")
            : options.Urls;

    private static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("Kestrel reported no address.");
        return new Uri(address.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal));
    }

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "Local Functions runtime started: {Count} functions, listening on {Address}.")]
        public static partial void Started(ILogger logger, int count, Uri address);

        [LoggerMessage(101, LogLevel.Information, "{FunctionName}: {Route}")]
        public static partial void HttpFunction(ILogger logger, string functionName, string route);

        [LoggerMessage(102, LogLevel.Warning, "Stopping the listener of '{FunctionName}' failed.")]
        public static partial void StopFailed(ILogger logger, string functionName, Exception exception);
    }
}
