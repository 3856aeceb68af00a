using System.Collections.Concurrent;
using System.Text.Json.Nodes;

using Agora.LocalHost.Runtime;
using Agora.Testing;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agora.LocalHost.Tests.Runtime;

/// <summary>A FunctionsRuntime over test functions: a temp app folder with functions.metadata and host.json written for
/// them (scriptFile = this test assembly), Azurite for storage, a <see cref="Probe"/> the functions report to.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    public const string MasterKey = "test-master-key";
    public const string FunctionKey = "test-function-key";

    private readonly bool _ownsDirectory;

    private TestHost(FunctionsRuntime runtime, string appDirectory, bool ownsDirectory, Probe probe, LogSink logs, string storage, string hostId)
    {
        HostId = hostId;
        Runtime = runtime;
        AppDirectory = appDirectory;
        _ownsDirectory = ownsDirectory;
        Probe = probe;
        Logs = logs;
        StorageConnectionString = storage;
        Client = new HttpClient { BaseAddress = runtime.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public FunctionsRuntime Runtime { get; }

    public string AppDirectory { get; }

    public Probe Probe { get; }

    public LogSink Logs { get; }

    public HttpClient Client { get; }

    public string StorageConnectionString { get; }

    public string HostId { get; }

    public static async Task<TestHost> StartAsync(
        JsonObject[] functions,
        JsonObject? hostJson = null,
        IDictionary<string, string?>? settings = null,
        TimeProvider? clock = null,
        string? hostId = null,
        TimeSpan? blobPollingInterval = null,
        string? localSettingsPath = null,
        Action<IServiceCollection>? services = null,
        string? appDirectory = null,
        Probe? probe = null)
    {
        var ownsDirectory = appDirectory is null;
        appDirectory ??= Directory.CreateTempSubdirectory("agora-runtime-").FullName;
        await File.WriteAllTextAsync(Path.Combine(appDirectory, "functions.metadata"), new JsonArray([.. functions.Select(f => f.DeepClone())]).ToJsonString());
        await File.WriteAllTextAsync(Path.Combine(appDirectory, "host.json"), (hostJson ?? new JsonObject { ["version"] = "2.0" }).ToJsonString());

        var endpoints = await SharedEmulators.GetAsync();
        probe ??= new Probe();
        var logs = new LogSink();
        var allSettings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = endpoints.StorageConnectionString,
            ["LocalHost__MasterKey"] = MasterKey,
            ["LocalHost__FunctionKey"] = FunctionKey,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            allSettings[key] = value;
        }

        var options = new FunctionsRuntimeOptions
        {
            AppDirectory = appDirectory,
            LocalSettingsPath = localSettingsPath,
            Settings = allSettings,
            Urls = "http://127.0.0.1:0",
            TimeProvider = clock ?? TimeProvider.System,
            HostId = hostId ?? SharedEmulators.Unique("host"),
            BlobPollingInterval = blobPollingInterval ?? TimeSpan.FromMilliseconds(200),
            ConfigureServices = builder =>
            {
                builder.Services.AddSingleton(probe);
                builder.Services.AddScoped<ScopedThing>();
                builder.Logging.AddProvider(logs);
                services?.Invoke(builder.Services);
            },
        };

        try
        {
            var runtime = await FunctionsRuntime.StartAsync(options);
            return new TestHost(runtime, appDirectory, ownsDirectory, probe, logs, endpoints.StorageConnectionString, options.HostId);
        }
        catch
        {
            if (ownsDirectory)
            {
                Directory.Delete(appDirectory, recursive: true);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Runtime.DisposeAsync();
        if (_ownsDirectory)
        {
            Directory.Delete(AppDirectory, recursive: true);
        }
    }
}

/// <summary>What the test functions saw, in order, and a way to wait for it.</summary>
public sealed class Probe
{
    private readonly ConcurrentQueue<(string Key, object? Value)> _calls = new();
    private int _active;
    private int _maxActive;

    public TaskCompletionSource Gate { get; set; } = CompletedGate();

    public int MaxActive => Volatile.Read(ref _maxActive);

    public int Active => Volatile.Read(ref _active);

    public void Record(string key, object? value = null) => _calls.Enqueue((key, value));

    public IReadOnlyList<object?> Values(string key) => [.. _calls.Where(c => c.Key == key).Select(c => c.Value)];

    public IReadOnlyList<string> Keys => [.. _calls.Select(c => c.Key)];

    public IDisposable Enter()
    {
        var active = Interlocked.Increment(ref _active);
        int max;
        while ((max = Volatile.Read(ref _maxActive)) < active && Interlocked.CompareExchange(ref _maxActive, active, max) != max)
        {
        }

        return new Exit(this);
    }

    /// <summary>Waits (up to 30 s) until <paramref name="key"/> was recorded at least <paramref name="count"/> times.</summary>
    public async Task<IReadOnlyList<object?>> WaitForAsync(string key, int count = 1)
    {
        await Eventually.TrueAsync(() => Values(key).Count >= count, $"'{key}' recorded {count} times (saw {Values(key).Count})");
        return Values(key);
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private sealed class Exit(Probe probe) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref probe._active);
    }
}

/// <summary>A scoped service, to tell DI scopes apart.</summary>
public sealed class ScopedThing
{
    public Guid Id { get; } = Guid.NewGuid();
}

internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after 30 s waiting for {what}.");
            }

            await Task.Delay(25);
        }
    }

    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after 30 s waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }
}

public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Scope);

/// <summary>Collects log entries, with the values of their logging scopes, so tests can check what the runtime reported.</summary>
public sealed class LogSink : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => sink._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>();
            sink._scopes.ForEachScope((value, values) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object>> pairs)
                {
                    foreach (var (key, item) in pairs)
                    {
                        values[key] = item;
                    }
                }
            }, scope);
            sink._entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception, scope));
        }
    }
}
