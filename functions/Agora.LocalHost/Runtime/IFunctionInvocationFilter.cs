using System.Reflection;

using Microsoft.AspNetCore.Http;

namespace Agora.LocalHost.Runtime;

/// <summary>Runs around every invocation, like worker middleware: the app puts its one pipeline here (authentication,
/// problem+json errors, correlation ids). Registered filters run nested, the first registered outermost. A filter may
/// short-circuit by not calling <c>next</c>; for HTTP functions whatever it returns is written as the response.</summary>
public interface IFunctionInvocationFilter
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716:Identifiers should not match keywords",
        Justification = "'next' is the middleware convention of ASP.NET Core and the worker; C# callers are the audience.")]
    Task<object?> InvokeAsync(FunctionInvocationContext context, Func<Task<object?>> next);
}

/// <summary>What a filter knows about the invocation it wraps.</summary>
public sealed class FunctionInvocationContext
{
    public required string FunctionName { get; init; }

    public required string EntryPoint { get; init; }

    public required string TriggerType { get; init; }

    public required MethodInfo Method { get; init; }

    /// <summary>Set for HTTP-triggered functions only.</summary>
    public HttpContext? HttpContext { get; init; }

    /// <summary>The invocation's own DI scope; the function instance comes from it.</summary>
    public required IServiceProvider InstanceServices { get; init; }

    public required string InvocationId { get; init; }

    /// <summary>Binding data of the trigger (route values, queue message id and dequeue count, blob path parameters...).</summary>
    public IReadOnlyDictionary<string, object?> BindingData { get; init; } = new Dictionary<string, object?>();

    /// <summary>Cancelled when the runtime shuts down (and, for HTTP, when the client goes away).</summary>
    public CancellationToken CancellationToken { get; init; }
}

/// <summary>An argument could not be produced from the trigger (a route value that does not convert, a queue message that
/// is not the expected JSON). The invocation fails, as in the worker; filters may map it to a 400.</summary>
public sealed class FunctionBindingException : Exception
{
    public FunctionBindingException()
    {
    }

    public FunctionBindingException(string message)
        : base(message)
    {
    }

    public FunctionBindingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The function app cannot be hosted as described (unsupported trigger or binding, missing setting, a parameter
/// that cannot be bound). The message names the function, like the host's function indexing errors.</summary>
public sealed class FunctionIndexingException : Exception
{
    public FunctionIndexingException()
    {
    }

    public FunctionIndexingException(string message)
        : base(message)
    {
    }

    public FunctionIndexingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FunctionIndexingException(string functionName, string message)
        : base($"The function '{functionName}' cannot be hosted: {message}")
    {
        FunctionName = functionName;
    }

    public string? FunctionName { get; }
}
