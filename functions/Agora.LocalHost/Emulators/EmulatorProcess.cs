using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Agora.LocalHost.Emulators;

/// <summary>One emulator (Azurite or the Cosmos DB server) running under Node.js through tools/emulator.js,
/// which ends it when this process goes away, even when this process is killed.</summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private volatile bool _stopping;

    private EmulatorProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public static async Task<EmulatorProcess> StartAsync(string name, string repoRoot, IReadOnlyList<string> arguments, IReadOnlyList<int> ports, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(NodeExecutable())
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(repoRoot, "tools", "emulator.js"));
        start.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start Node.js for the {name} emulator.");
        var emulator = new EmulatorProcess(name, process);
        process.OutputDataReceived += (_, e) => emulator.Append(e.Data);
        process.ErrorDataReceived += (_, e) => emulator.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => emulator.OnExited();
        try
        {
            await emulator.WaitForPortsAsync(ports, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return emulator;
    }

    /// <summary>A loopback port that is free now. Another process may take it before the emulator binds it;
    /// start-up then fails with the emulator's own message, and a retry picks another port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string NodeExecutable() => Environment.GetEnvironmentVariable("AGORA_NODE") is { Length: > 0 } node ? node : "node";

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // The last 64 KB: what an emulator says before it dies is what explains it.
            _output.AppendLine(line);
            if (_output.Length > 64 * 1024)
            {
                _output.Remove(0, _output.Length - (48 * 1024));
            }
        }
    }

    /// <summary>An emulator that dies while the backend runs fails every request that needs it; say so, with what it said
    /// last, rather than leave only "connection refused" in the request logs.</summary>
    private void OnExited()
    {
        if (!_stopping)
        {
            Console.Error.WriteLine($"The {Name} emulator stopped unexpectedly (exit code {_process.ExitCode}); requests that need it fail until the backend restarts. Its last output:{Environment.NewLine}{Output()}");
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private async Task WaitForPortsAsync(IReadOnlyList<int> ports, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var port in ports)
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The {Name} emulator exited with code {_process.ExitCode} before listening on port {port}:{Environment.NewLine}{Output()}");
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"The {Name} emulator did not listen on port {port} within 60 seconds:{Environment.NewLine}{Output()}");
                }

                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (SocketException)
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (OperationCanceledException)
        {
            // It will end by itself once this process is gone (tools/emulator.js watches it).
        }
        finally
        {
            _process.Dispose();
        }
    }
}
