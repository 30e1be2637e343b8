using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.ProxyProtocol;

/// <summary>
/// HAProxy in TCP mode in front of a proxy listener, as a real PROXY sender: one frontend with <c>send-proxy-v2</c>, one
/// with <c>send-proxy</c> (v1), TLS passed through untouched, its connections to the proxy made from <see cref="Address"/>.
/// </summary>
internal sealed class HaproxySender : IAsyncDisposable
{
    public static readonly IPAddress Address = IPAddress.Parse("127.0.0.3");

    private readonly Process _process;
    private readonly TempDirectory _directory;
    private readonly StringBuilder _output = new();

    private HaproxySender(Process process, TempDirectory directory, int v2Port, int v1Port)
    {
        _process = process;
        _directory = directory;
        V2 = new Uri($"https://127.0.0.1:{v2Port}");
        V1 = new Uri($"https://127.0.0.1:{v1Port}");
    }

    /// <summary>Where HAProxy is installed (Debian: <c>/usr/sbin</c>, often not on a user's PATH); null when it is not.</summary>
    public static string? Executable { get; } = new[] { "/usr/sbin/haproxy", "/usr/local/sbin/haproxy" }
        .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Where(d => d.Length > 0).Select(d => Path.Combine(d, "haproxy")))
        .FirstOrDefault(File.Exists);

    /// <summary>The frontend that sends PROXY v2.</summary>
    public Uri V2 { get; }

    /// <summary>The frontend that sends PROXY v1.</summary>
    public Uri V1 { get; }

    public static async Task<HaproxySender> StartAsync(int proxyPort)
    {
        var directory = new TempDirectory();
        var (v2Port, v1Port, probePort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var config = $"""
            global
                nbthread 1
                maxconn 200
            defaults
                mode tcp
                timeout connect 5s
                timeout client 30s
                timeout server 30s
            frontend tls_v2
                bind 127.0.0.1:{v2Port}
                default_backend edge_v2
            frontend tls_v1
                bind 127.0.0.1:{v1Port}
                default_backend edge_v1
            # Bound with the others at start; answers the readiness probe without a connection to the proxy (which would count).
            frontend probe
                bind 127.0.0.1:{probePort}
                tcp-request connection reject
            backend edge_v2
                server edge 127.0.0.1:{proxyPort} send-proxy-v2 source {Address}
            backend edge_v1
                server edge 127.0.0.1:{proxyPort} send-proxy source {Address}

            """;
        var path = directory.File("haproxy.cfg");
        await File.WriteAllTextAsync(path, config);
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("haproxy is not installed"), ["-db", "-f", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        process.Start();
        var sender = new HaproxySender(process, directory, v2Port, v1Port);
        process.OutputDataReceived += (_, e) => sender.Append(e.Data);
        process.ErrorDataReceived += (_, e) => sender.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var listening = await Eventually.HoldsAsync(async () => !process.HasExited && await AcceptsAsync(probePort), TimeSpan.FromSeconds(15));
        if (!listening)
        {
            await sender.DisposeAsync();
            throw new InvalidOperationException("haproxy did not start: " + sender.Output);
        }

        return sender;
    }

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

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process.Dispose();
        _directory.Dispose();
    }
}

/// <summary>A fact that is skipped, saying why, when HAProxy is not installed (CI installs Debian's <c>haproxy</c>).</summary>
public sealed class RequiresHaproxyFactAttribute : FactAttribute
{
    public RequiresHaproxyFactAttribute()
    {
        if (HaproxySender.Executable is null)
        {
            Skip = "haproxy is not installed (Debian package 'haproxy'; .ci/run installs it): the real-sender PROXY tests need it";
        }
    }
}
