using System.Diagnostics;
using System.Reflection;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.LocalHost.Runtime;

/// <summary>A function ready to run: its descriptor, how each argument is produced, how its class is created.</summary>
internal sealed class FunctionRegistration
{
    private readonly ObjectFactory? _factory;

    public FunctionRegistration(FunctionDescriptor descriptor, ArgumentSource[] arguments)
    {
        Descriptor = descriptor;
        Arguments = arguments;
        _factory = descriptor.Method.IsStatic ? null : ActivatorUtilities.CreateFactory(descriptor.Method.DeclaringType!, Type.EmptyTypes);
    }

    public FunctionDescriptor Descriptor { get; }

    public ArgumentSource[] Arguments { get; }

    public object? CreateInstance(IServiceProvider services) => _factory?.Invoke(services, null);
}

/// <summary>Runs one invocation the way the worker does: a new DI scope, the filter chain (first registered outermost),
/// a logging scope with the function name and invocation id, then the method with its bound arguments.</summary>
internal sealed partial class FunctionExecutor(IServiceProvider services, ILoggerFactory loggerFactory, InvocationTracker tracker)
{
    public InvocationTracker Tracker => tracker;

    /// <param name="onResult">Runs inside the invocation's scope after the filter chain (HTTP writes its response here).</param>
    public async Task<object?> ExecuteAsync(FunctionRegistration function, InvocationInput input, string reason,
        Func<FunctionInvocationContext, object?, Task>? onResult = null)
    {
        using var tracked = tracker.Begin();
        var descriptor = function.Descriptor;
        var logger = loggerFactory.CreateLogger($"Function.{descriptor.Name}");
        var invocationId = Guid.NewGuid().ToString();
        // A message-template scope: structured providers get the two values, the console prints them readably.
        using var logScope = InvocationScope(logger, descriptor.Name, invocationId);

        await using var scope = services.CreateAsyncScope();
        var context = new FunctionInvocationContext
        {
            FunctionName = descriptor.Name,
            EntryPoint = descriptor.EntryPoint,
            TriggerType = descriptor.TriggerType,
            Method = descriptor.Method,
            HttpContext = input.HttpContext,
            InstanceServices = scope.ServiceProvider,
            InvocationId = invocationId,
            BindingData = input.BindingData,
            CancellationToken = input.CancellationToken,
        };

        Func<Task<object?>> next = () => InvokeMethodAsync(function, input, scope.ServiceProvider);
        var filters = scope.ServiceProvider.GetServices<IFunctionInvocationFilter>().ToArray();
        for (var i = filters.Length - 1; i >= 0; i--)
        {
            var filter = filters[i];
            var inner = next;
            next = () => filter.InvokeAsync(context, inner);
        }

        // As the worker's ASP.NET Core integration does, the request's services are the invocation's scope, so the
        // function, the filters and IActionResult executors resolve the same scoped instances.
        var requestServices = input.HttpContext?.RequestServices;
        if (input.HttpContext is { } http)
        {
            http.RequestServices = scope.ServiceProvider;
        }

        Log.Executing(logger, descriptor.Name, reason, invocationId);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var result = await next().ConfigureAwait(false);
            if (onResult is not null)
            {
                await onResult(context, result).ConfigureAwait(false);
            }

            Log.Succeeded(logger, descriptor.Name, invocationId, stopwatch.ElapsedMilliseconds);
            return result;
        }
        catch (Exception e)
        {
            Log.Failed(logger, descriptor.Name, invocationId, stopwatch.ElapsedMilliseconds, e);
            throw;
        }
        finally
        {
            if (input.HttpContext is { } request)
            {
                request.RequestServices = requestServices!;
            }

            tracker.Completed(descriptor.Name);
        }
    }

    private static async Task<object?> InvokeMethodAsync(FunctionRegistration function, InvocationInput input, IServiceProvider services)
    {
        // Arguments are bound inside the filter chain, as worker middleware sees binding failures too.
        var arguments = new object?[function.Arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = await function.Arguments[i](input).ConfigureAwait(false);
        }

        var instance = function.CreateInstance(services);
        try
        {
            var returned = function.Descriptor.Method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
            return await AwaitResultAsync(returned).ConfigureAwait(false);
        }
        finally
        {
            foreach (var argument in arguments)
            {
                if (argument is Stream stream)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (instance is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (instance is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
    }

    /// <summary>Unwraps Task, Task&lt;T&gt;, ValueTask and ValueTask&lt;T&gt; to the value the function produced.</summary>
    private static async Task<object?> AwaitResultAsync(object? returned)
    {
        switch (returned)
        {
            case null:
                return null;
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return null;
            case Task task:
                await task.ConfigureAwait(false);
                var type = task.GetType();
                // Task<VoidTaskResult> (an async Task method) has a Result that is not the function's.
                return type.IsGenericType && type.GenericTypeArguments[0].Name != "VoidTaskResult"
                    ? type.GetProperty(nameof(Task<object>.Result))!.GetValue(task)
                    : null;
            default:
                var returnedType = returned.GetType();
                if (returnedType.IsGenericType && returnedType.GetGenericTypeDefinition() == typeof(ValueTask<>))
                {
                    var asTask = (Task)returnedType.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(returned, null)!;
                    return await AwaitResultAsync(asTask).ConfigureAwait(false);
                }

                return returned;
        }
    }

    private static readonly Func<ILogger, string, string, IDisposable?> InvocationScope =
        LoggerMessage.DefineScope<string, string>("{FunctionName} {InvocationId}");

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Executing 'Functions.{FunctionName}' (Reason='{Reason}', Id={InvocationId})")]
        public static partial void Executing(ILogger logger, string functionName, string reason, string invocationId);

        [LoggerMessage(2, LogLevel.Information, "Executed 'Functions.{FunctionName}' (Succeeded, Id={InvocationId}, Duration={DurationMs}ms)")]
        public static partial void Succeeded(ILogger logger, string functionName, string invocationId, long durationMs);

        [LoggerMessage(4, LogLevel.Error, "Executed 'Functions.{FunctionName}' (Failed, Id={InvocationId}, Duration={DurationMs}ms)")]
        public static partial void Failed(ILogger logger, string functionName, string invocationId, long durationMs, Exception exception);
    }
}

/// <summary>Counts invocations (and other background work) in flight, so that a graceful stop can wait for them.</summary>
internal sealed partial class InvocationTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _completed = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _pending = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Function, TaskCompletionSource Source)> _settled = [];
    private readonly List<(string Function, int Count, TaskCompletionSource Source)> _waiters = [];
    private int _count;
    private TaskCompletionSource _idle = CompletedSource();

    public IDisposable Begin()
    {
        lock (_lock)
        {
            if (_count++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return new Release(this);
    }

    /// <summary>Runs work in the background but keeps it counted (admin invocations, webhook notifications).</summary>
    public void Run(Func<Task> work, ILogger logger)
    {
        var tracked = Begin();
        _ = Task.Run(async () =>
        {
            using (tracked)
            {
                try
                {
                    await work().ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    LogBackgroundFailure(logger, e);
                }
            }
        });
    }

    /// <summary>Counts a finished invocation of <paramref name="function"/> (succeeded or failed) and wakes who waits for it.</summary>
    public void Completed(string function)
    {
        lock (_lock)
        {
            var count = _completed[function] = _completed.GetValueOrDefault(function) + 1;
            _waiters.RemoveAll(w =>
            {
                var reached = w.Function == function && count >= w.Count;
                if (reached)
                {
                    w.Source.TrySetResult();
                }

                return reached;
            });
        }
    }

    /// <summary>Counts an invocation of a timer function from the moment it is asked for (the admin endpoint's request, a
    /// fired schedule) until it ends, waiting for the timer's one-at-a-time lock included; disposing ends it.</summary>
    public IDisposable Pend(string function)
    {
        lock (_lock)
        {
            _pending[function] = _pending.GetValueOrDefault(function) + 1;
        }

        return new Pending(this, function);
    }

    /// <summary>Completes once no invocation of <paramref name="function"/> is asked for, queued or running: a test that ran a
    /// timer through the admin endpoint, after moving the clock past its schedule, sees the effects of both runs.</summary>
    public Task WaitForSettledAsync(string function, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_pending.GetValueOrDefault(function) == 0)
            {
                return Task.CompletedTask;
            }

            var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _settled.Add((function, source));
            return source.Task.WaitAsync(cancellationToken);
        }
    }

    private void Unpend(string function)
    {
        lock (_lock)
        {
            var left = _pending[function] = _pending.GetValueOrDefault(function) - 1;
            if (left == 0)
            {
                _settled.RemoveAll(w =>
                {
                    var reached = w.Function == function;
                    if (reached)
                    {
                        w.Source.TrySetResult();
                    }

                    return reached;
                });
            }
        }
    }

    private sealed class Pending(InvocationTracker tracker, string function) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                tracker.Unpend(function);
            }
        }
    }

    public int CompletedCount(string function)
    {
        lock (_lock)
        {
            return _completed.GetValueOrDefault(function);
        }
    }

    /// <summary>Completes once <paramref name="function"/> has finished <paramref name="count"/> invocations in all.</summary>
    public Task WaitForCompletedAsync(string function, int count, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_completed.GetValueOrDefault(function) >= count)
            {
                return Task.CompletedTask;
            }

            var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((function, count, source));
            return source.Task.WaitAsync(cancellationToken);
        }
    }

    public Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    private void End()
    {
        lock (_lock)
        {
            if (--_count == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    [LoggerMessage(3, LogLevel.Error, "A background invocation failed.")]
    private static partial void LogBackgroundFailure(ILogger logger, Exception exception);

    private sealed class Release(InvocationTracker tracker) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                tracker.End();
            }
        }
    }
}
