using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using EdgeProxy.IdleConnections;

// Memory per idle keep-alive TLS 1.3 connection (issue 32, docs/connections-memory.md): starts a fresh server per
// measurement (EdgeProxy from a published folder, nginx, HAProxy; all on 127.0.0.1, one nginx backend), opens N
// connections that each send one request, read the response and stay open, and reports (RSS after - RSS before) / N.
// Usage (from the repository root, after `dotnet publish src/Proxy -c Release -o DIR`):
//   dotnet run -c Release --project loadtests/IdleConnections -- --publish DIR [--counts 1000,3000]
//     [--systems EdgeProxy,nginx,HAProxy] [--protocols h1,h2,h1c (HTTP/1.1 without TLS)] [--env NAME=VALUE]... [--set Config:Key=Value]... [--hold SECONDS]
//     [--after-close SECONDS (RSS that long after the connections closed, against before them)]
var settings = Settings.Parse(args);
using var bench = new IdleBench(settings);
return await bench.RunAsync();

namespace EdgeProxy.IdleConnections
{
    internal sealed record Settings(string? Publish, int[] Counts, string[] Systems, string[] Protocols, Dictionary<string, string> Environment, List<string> ProxySettings, int HoldSeconds, int SettleSeconds, int AfterCloseSeconds)
    {
        public static Settings Parse(string[] args)
        {
            var settings = new Settings(null, [1000, 3000], ["EdgeProxy", "nginx", "HAProxy"], ["h1"], [], [], 0, 5, 0);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                var value = args[i + 1];
                settings = args[i] switch
                {
                    "--publish" => settings with { Publish = Path.GetFullPath(value) },
                    "--counts" => settings with { Counts = [.. value.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))] },
                    "--systems" => settings with { Systems = value.Split(',') },
                    "--protocols" => settings with { Protocols = value.Split(',') },
                    "--hold" => settings with { HoldSeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--settle" => settings with { SettleSeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--after-close" => settings with { AfterCloseSeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--env" => Add(settings, () => settings.Environment[value[..value.IndexOf('=', StringComparison.Ordinal)]] = value[(value.IndexOf('=', StringComparison.Ordinal) + 1)..]),
                    "--set" => Add(settings, () => settings.ProxySettings.Add(value)),
                    _ => throw new ArgumentException($"unknown option {args[i]}"),
                };
            }

            return settings;
        }

        private static Settings Add(Settings settings, Action add)
        {
            add();
            return settings;
        }
    }

    internal sealed class IdleBench(Settings settings) : IDisposable
    {
        private const int BackendPort = 19380;
        private const int AdminPort = 19381;
        private const int WarmUpConnections = 200;
        private const int ConnectConcurrency = 32;
        private const int PlainPortOffset = 10;
        private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(180);
        private static readonly Dictionary<string, int> Ports = new() { ["EdgeProxy"] = 19383, ["nginx"] = 19384, ["HAProxy"] = 19385 };
        private readonly string _work = Directory.CreateTempSubdirectory("idle-connections-").FullName;
        private Process? _backend;

        public async Task<int> RunAsync()
        {
            if (settings.Systems.Contains("EdgeProxy") && settings.Publish is null)
            {
                Console.Error.WriteLine("--publish DIR (dotnet publish src/Proxy -c Release -o DIR) is needed for EdgeProxy");
                return 2;
            }

            await WriteConfigsAsync();
            _backend = Start("nginx", $"-c {_work}/backend.conf -p {_work}", []);
            await WaitForPortAsync(BackendPort, _backend);
            Console.WriteLine("system\tprotocol\tN\tRSS before MB\tRSS after MB\tKB/conn RSS\tKB/conn anon\topened");
            foreach (var count in settings.Counts)
            {
                foreach (var protocol in settings.Protocols)
                {
                    foreach (var system in settings.Systems)
                    {
                        try
                        {
                            await MeasureAsync(system, protocol, count);
                        }
                        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
                        {
                            Console.WriteLine($"{system}\t{protocol}\t{count}\tfailed: {e.Message}");
                        }
                    }
                }
            }

            return 0;
        }

        private async Task MeasureAsync(string system, string protocol, int count)
        {
            using var server = system switch
            {
                "EdgeProxy" => Start("dotnet", $"{settings.Publish}/EdgeProxy.dll --config {_work}/edgeproxy.json {string.Join(' ', settings.ProxySettings.Select(s => "--" + s))}", settings.Environment),
                "nginx" => Start("nginx", $"-c {_work}/nginx.conf -p {_work}", []),
                "HAProxy" => Start("haproxy", $"-db -f {_work}/haproxy.cfg", []),
                _ => throw new ArgumentException($"unknown system {system}"),
            };
            try
            {
                // "h1c": HTTP/1.1 without TLS on a second listener, to split what TLS costs from the rest.
                var plain = protocol == "h1c";
                var port = Ports[system] + (plain ? PlainPortOffset : 0);
                await WaitForPortAsync(port, server);
                var version = protocol == "h2" ? HttpVersion.Version20 : HttpVersion.Version11;

                // Warm-up: handshakes, first requests (JIT, pools, the backend connection) on connections then closed.
                var warm = await OpenAsync(plain ? "http" : "https", port, version, WarmUpConnections);
                Close(warm);
                await Task.Delay(TimeSpan.FromSeconds(settings.SettleSeconds));
                var before = Memory(server.Id);
                var before2 = system == "EdgeProxy" ? await ManagedAsync() : null;

                var clients = await OpenAsync(plain ? "http" : "https", port, version, count);
                await Task.Delay(TimeSpan.FromSeconds(settings.SettleSeconds));
                var after = Memory(server.Id);
                var after2 = system == "EdgeProxy" ? await ManagedAsync() : null;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{system}\t{protocol}\t{count}\t{before.Rss / 1024.0:F1}\t{after.Rss / 1024.0:F1}\t{(after.Rss - before.Rss) / (double)clients.Count:F1}\t{(after.Anon - before.Anon) / (double)clients.Count:F1}\t{clients.Count}"));
                if (before2 is not null && after2 is not null)
                {
                    foreach (var (name, value) in after2)
                    {
                        var delta = value - before2.GetValueOrDefault(name);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {before2.GetValueOrDefault(name) / 1048576.0:F1} -> {value / 1048576.0:F1} MB, {delta / 1024.0 / clients.Count:F1} KB/conn"));
                    }
                }

                if (settings.HoldSeconds > 0)
                {
                    Console.WriteLine($"  holding {clients.Count} connections for {settings.HoldSeconds} s; server pid {server.Id}");
                    await Task.Delay(TimeSpan.FromSeconds(settings.HoldSeconds));
                    var held = Memory(server.Id);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  after holding: RSS {held.Rss / 1024.0:F1} MB, {(held.Rss - before.Rss) / (double)clients.Count:F1} KB/conn"));
                }

                Close(clients);
                if (settings.AfterCloseSeconds > 0)
                {
                    // Issue 32, point 3: does the memory of a connection storm come back once the connections are gone?
                    await Task.Delay(TimeSpan.FromSeconds(settings.AfterCloseSeconds));
                    var closed = Memory(server.Id);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {settings.AfterCloseSeconds} s after closing: RSS {closed.Rss / 1024.0:F1} MB ({before.Rss / 1024.0:F1} before the storm, {after.Rss / 1024.0:F1} during it): {100.0 * (closed.Rss - before.Rss) / before.Rss:+0;-0} % of before"));
                }
            }
            finally
            {
                Stop(server);
            }
        }

        /// <summary>N connections, each with one request answered and then left open (idle keep-alive), at most <see cref="ConnectConcurrency"/> handshakes at a time.</summary>
        private static async Task<List<HttpMessageInvoker>> OpenAsync(string scheme, int port, Version version, int count)
        {
            var clients = new List<HttpMessageInvoker>(count);
            using var deadline = new CancellationTokenSource(OpenTimeout);
            using var gate = new SemaphoreSlim(ConnectConcurrency);
            var failures = 0;
            var tasks = Enumerable.Range(0, count).Select(async _ =>
            {
                await gate.WaitAsync(deadline.Token);
                try
                {
                    var client = new HttpMessageInvoker(new SocketsHttpHandler
                    {
                        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(30),
                        AllowAutoRedirect = false,
                        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                        MaxConnectionsPerServer = 1,
                        ConnectTimeout = TimeSpan.FromSeconds(30),
                        SslOptions = new SslClientAuthenticationOptions
                        {
                            EnabledSslProtocols = SslProtocols.Tls13,
                            RemoteCertificateValidationCallback = static (_, _, _, _) => true, // the tool's own self-signed certificate
                        },
                    });
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"{scheme}://127.0.0.1:{port}/") { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(30));
                    try
                    {
                        using var response = await client.SendAsync(request, timeout.Token);
                        await response.Content.ReadAsByteArrayAsync(timeout.Token);
                        response.EnsureSuccessStatusCode();
                        lock (clients)
                        {
                            clients.Add(client);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        client.Dispose();
                        if (Interlocked.Increment(ref failures) <= 3)
                        {
                            Console.Error.WriteLine($"  connection failed: {e.Message}");
                        }
                    }
                }
                finally
                {
                    gate.Release();
                }
            });
            await Task.WhenAll(tasks);
            return clients;
        }

        private static void Close(List<HttpMessageInvoker> clients)
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            clients.Clear();
        }

        /// <summary>VmRSS and RssAnon of the process in KB.</summary>
        private static (long Rss, long Anon) Memory(int pid)
        {
            long Field(string[] lines, string name) => long.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            var status = File.ReadAllLines($"/proc/{pid}/status");
            return (Field(status, "VmRSS:"), Field(status, "RssAnon:"));
        }

        /// <summary>The managed-memory gauges of EdgeProxy's /metrics (prometheus-net's dotnet_* and process_*), in bytes.</summary>
        private static async Task<Dictionary<string, double>> ManagedAsync()
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{AdminPort}/metrics"));
            var values = new Dictionary<string, double>();
            foreach (var line in text.Split('\n'))
            {
                var parts = line.Split(' ');
                if (parts.Length == 2 && (parts[0] == "dotnet_total_memory_bytes" || parts[0].StartsWith("dotnet_gc_", StringComparison.Ordinal) && parts[0].Contains("bytes", StringComparison.Ordinal) && !parts[0].Contains("total", StringComparison.Ordinal)))
                {
                    values[parts[0]] = double.Parse(parts[1], CultureInfo.InvariantCulture);
                }
            }

            return values;
        }

        private Process Start(string file, string arguments, Dictionary<string, string> environment)
        {
            var start = new ProcessStartInfo("sh", ["-c", $"exec {file} {arguments} >> '{_work}/server.log' 2>&1"]) { WorkingDirectory = _work };
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            return Process.Start(start)!;
        }

        private static void Stop(Process process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }

        private async Task WaitForPortAsync(int port, Process server)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(IPAddress.Loopback, port);
                    return;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline && !server.HasExited)
                {
                    await Task.Delay(200);
                }
                catch (SocketException)
                {
                    throw new InvalidOperationException($"nothing listens on {port}; server output:\n{string.Join('\n', File.ReadLines($"{_work}/server.log").TakeLast(10))}");
                }
            }
        }

        private async Task WriteConfigsAsync()
        {
            var (exit, output) = await RunAsync("openssl", $"req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost -keyout {_work}/key.pem -out {_work}/cert.pem");
            if (exit != 0)
            {
                throw new InvalidOperationException($"openssl: {output}");
            }

            await File.WriteAllTextAsync($"{_work}/combined.pem", await File.ReadAllTextAsync($"{_work}/cert.pem") + await File.ReadAllTextAsync($"{_work}/key.pem"));
            await File.WriteAllTextAsync($"{_work}/backend.conf", $$"""
                worker_processes 1; master_process off; daemon off; pid {{_work}}/backend.pid; error_log {{_work}}/backend.log;
                worker_rlimit_nofile 20000; events { worker_connections 10000; }
                http { access_log off; keepalive_requests 1000000;
                  server { listen 127.0.0.1:{{BackendPort}}; location / { default_type text/plain; return 200 "hello\n"; } } }
                """);
            // The proxies as ComparisonBench configures them, with keep-alive timeouts longer than a measurement.
            await File.WriteAllTextAsync($"{_work}/nginx.conf", $$"""
                worker_processes 1; master_process off; daemon off; pid {{_work}}/nginx.pid; error_log {{_work}}/nginx.log;
                worker_rlimit_nofile 20000; events { worker_connections 10000; }
                http { keepalive_requests 1000000; keepalive_timeout 600s; access_log off;
                  upstream backend { server 127.0.0.1:{{BackendPort}}; keepalive 64; }
                  server { listen 127.0.0.1:{{Ports["nginx"]}} ssl http2; listen 127.0.0.1:{{Ports["nginx"] + PlainPortOffset}};
                    ssl_certificate {{_work}}/cert.pem; ssl_certificate_key {{_work}}/key.pem;
                    ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:SSL:10m;
                    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
                """);
            await File.WriteAllTextAsync($"{_work}/haproxy.cfg", $$"""
                global
                  nbthread 1
                  maxconn 9000
                  ssl-default-bind-options ssl-min-ver TLSv1.2
                defaults
                  mode http
                  maxconn 9000
                  timeout connect 5s
                  timeout client 600s
                  timeout server 30s
                  timeout http-keep-alive 600s
                frontend edge
                  bind 127.0.0.1:{{Ports["HAProxy"]}} ssl crt {{_work}}/combined.pem alpn h2,http/1.1
                  bind 127.0.0.1:{{Ports["HAProxy"] + PlainPortOffset}}
                  default_backend app
                backend app
                  http-reuse always
                  server b1 127.0.0.1:{{BackendPort}}

                """);
            await File.WriteAllTextAsync($"{_work}/edgeproxy.json", $$"""
                {
                  "Logging": { "LogLevel": { "Default": "Warning" } },
                  "Kestrel": {
                    "Endpoints": {
                      "Https": { "Url": "https://127.0.0.1:{{Ports["EdgeProxy"]}}", "Certificate": { "Path": "{{_work}}/cert.pem", "KeyPath": "{{_work}}/key.pem" } },
                      "Http": { "Url": "http://127.0.0.1:{{Ports["EdgeProxy"] + PlainPortOffset}}" }
                    },
                    "Limits": { "KeepAliveTimeout": "00:10:00" }
                  },
                  "EdgeProxy": {
                    "Admin": { "Url": "http://127.0.0.1:{{AdminPort}}" },
                    "ClientIp": { "TrustCloudflare": false, "TrustedNetworks": [ "127.0.0.1/32" ] },
                    "Connections": { "MaxPerUntrustedPeer": 0 },
                    "HttpsRedirect": false,
                    "AccessLog": { "Enabled": false }
                  },
                  "ReverseProxy": {
                    "Routes": { "all": { "ClusterId": "backend", "Match": { "Path": "{**catch-all}" } } },
                    "Clusters": { "backend": { "Destinations": { "b1": { "Address": "http://127.0.0.1:{{BackendPort}}/" } } } }
                  }
                }
                """);
        }

        private static async Task<(int ExitCode, string Output)> RunAsync(string file, string arguments)
        {
            var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }

        public void Dispose()
        {
            if (_backend is not null)
            {
                Stop(_backend);
                _backend.Dispose();
            }

            Directory.Delete(_work, recursive: true);
        }
    }
}
