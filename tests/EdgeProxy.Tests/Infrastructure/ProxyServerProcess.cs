using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>
/// The built proxy as a separate process, started the way operators start it: the TLS policy is applied to OpenSSL
/// before first use, which only a fresh process can show (the test host initialised OpenSSL long ago). Ports are
/// picked before start; the fixture waits for <c>/readyz</c>.
/// </summary>
public sealed class ProxyServerProcess : IAdminEndpoint, IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly TempDirectory? _ownedDirectory;

    private ProxyServerProcess(Process process, StringBuilder output, int httpPort, int httpsPort, int adminPort, TempDirectory? ownedDirectory)
    {
        _process = process;
        _output = output;
        HttpPort = httpPort;
        HttpsPort = httpsPort;
        AdminPort = adminPort;
        _ownedDirectory = ownedDirectory;
        Admin = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
    }

    public int HttpPort { get; }

    public int HttpsPort { get; }

    public int AdminPort { get; }

    public HttpClient Admin { get; }

    /// <summary>The proxy's process id (for what only the operating system knows, such as its resident memory).</summary>
    public int ProcessId => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Whether the proxy writes <paramref name="text"/> within 10 s. Its console log is written by a background thread
    /// and read here through a pipe, so a line can arrive after the state it reports is already visible elsewhere.
    /// </summary>
    public Task<bool> LogsAsync(string text) =>
        Eventually.HoldsAsync(() => Task.FromResult(Output.Contains(text, StringComparison.Ordinal)), TimeSpan.FromSeconds(10));

    /// <summary>Starts the proxy on <paramref name="config"/>, its listeners moved to free loopback ports.</summary>
    /// <param name="waitForReady">Wait for <c>/readyz</c> (all listeners bound, start-up work done); false waits only for <c>/healthz</c>, for tests of an unready proxy.</param>
    /// <param name="environment">Variables added to the process's environment (e.g. the OpenTelemetry SDK's <c>OTEL_BSP_SCHEDULE_DELAY</c>).</param>
    /// <param name="ports">The public ports to use instead of free ones (a test CA that validates on them must know them first).</param>
    public static async Task<ProxyServerProcess> StartAsync(JsonObject config, TempDirectory? directory = null, bool waitForReady = true, IReadOnlyDictionary<string, string>? environment = null, (int Http, int Https)? ports = null)
    {
        // Ports are picked before the process binds them; if another test took one meanwhile, try new ones.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(config, directory, waitForReady, environment, ports);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<ProxyServerProcess> StartOnceAsync(JsonObject config, TempDirectory? directory, bool waitForReady, IReadOnlyDictionary<string, string>? environment, (int Http, int Https)? ports)
    {
        var owned = directory is null ? new TempDirectory() : null;
        directory ??= owned!;
        var (http, https, admin) = (ports?.Http ?? FreePort.Next(), ports?.Https ?? FreePort.Next(), FreePort.Next());
        var endpoints = config["Kestrel"]!["Endpoints"]!;
        endpoints["Http"]!["Url"] = $"http://127.0.0.1:{http}";
        endpoints["Https"]!["Url"] = $"https://127.0.0.1:{https}";
        config["EdgeProxy"]!["Admin"]!["Url"] = $"http://127.0.0.1:{admin}";

        var path = directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());

        var start = ProxyExecutable.StartInfo(directory.Path);
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(path);
        start.Environment.Remove("OPENSSL_CONF");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ProxyServerProcess(process, output, http, https, admin, owned);

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var up = await Eventually.HoldsAsync(async () =>
        {
            if (process.HasExited)
            {
                return true;
            }

            try
            {
                // Ready, not just live: the admin listener answers before Kestrel has bound the public ones.
                return (await client.GetAsync($"http://127.0.0.1:{admin}/{(waitForReady ? "readyz" : "healthz")}")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60));
        if (!up || process.HasExited)
        {
            // Read only after disposal has waited for the exit: that wait also drains the redirected output, which
            // HasExited does not (a process that failed fast can be seen exited before its last lines arrive).
            await server.DisposeAsync();
            throw new InvalidOperationException($"proxy process did not come up:\n{server.Output}");
        }

        return server;
    }

    /// <summary>Sends a POSIX signal (e.g. <c>TERM</c>) to the proxy process, as systemd or Kubernetes would.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-s {signal} {_process.Id}"))!;
        await kill.WaitForExitAsync();
    }

    /// <summary>The exit code once the process has exited within <paramref name="timeout"/>, else null.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();

        _process.Dispose();
        _ownedDirectory?.Dispose();
    }
}
