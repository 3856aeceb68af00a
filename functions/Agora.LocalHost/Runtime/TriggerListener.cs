namespace Agora.LocalHost.Runtime;

/// <summary>A non-HTTP trigger: started after the web host, stopped (gracefully) before it.</summary>
internal interface ITriggerListener : IDisposable
{
    FunctionDescriptor Function { get; }

    /// <summary>Creates what the trigger needs in storage and starts listening.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops polling and waits for its invocations to finish.</summary>
    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Runs the function once with the admin API's input, as POST /admin/functions/{name} does.</summary>
    Task InvokeFromAdminAsync(string? input, CancellationToken cancellationToken);
}
