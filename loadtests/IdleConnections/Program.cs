using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using EdgeProxy.IdleConnections;

// Memory per idle keep-alive TLS 1.3 connection (issue 32, docs/connections-memory.md): starts a fresh server per
// measurement (EdgeProxy from a published folder, nginx, HAProxy; all on 127.0.0.1, one nginx backend), opens N
// connections that each send one request, read the response and stay open, and reports (RSS after - RSS before) / N.
// Usage (from the repository root, after `dotnet publish src/Proxy -c Release -o DIR`):
//   dotnet run -c Release --project loadtests/IdleConnections -- --publish DIR [--counts 1000,3000]
//     [--systems EdgeProxy,nginx,HAProxy] [--protocols h1,h2,h1c (HTTP/1.1 without TLS)] [--env NAME=VALUE]... [--set Config:Key=Value]... [--hold SECONDS]
//     [--after-close SECONDS (RSS that long after the connections closed, against before them)]
//     [--limit-held L (new clients' req/s while L idle connections hold a connection limit of L; alone unless --counts is given)]
// A new client of --limit-held must pay for a full handshake as h2load's do, not resume a session this process cached.
AppContext.SetSwitch("System.Net.Security.DisableTlsResume", true);
var settings = Settings.Parse(args);
using var bench = new IdleBench(settings);
return await bench.RunAsync();

namespace EdgeProxy.IdleConnections
{
    internal sealed record Settings(string? Publish, int[]? Counts, string[] Systems, string[] Protocols, Dictionary<string, string> Environment, List<string> ProxySettings, int HoldSeconds, int SettleSeconds, int AfterCloseSeconds, int LimitHeld)
    {
        /// <summary>The memory measurements' N: as given, or the default unless only <c>--limit-held</c> was asked for.</summary>
        public int[] MemoryCounts => Counts ?? (LimitHeld > 0 ? [] : [1000, 3000]);

        public static Settings Parse(string[] args)
        {
            var settings = new Settings(null, null, ["EdgeProxy", "nginx", "HAProxy"], ["h1"], [], [], 0, 5, 0, 0);
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
                    "--limit-held" => settings with { LimitHeld = int.Parse(value, CultureInfo.InvariantCulture) },
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
        // Ports the kernel hands out free at start (fixed ones collide with other work on a shared machine).
        private static readonly int BackendPort = FreePort();
        private static readonly int AdminPort = FreePort();
        private const int WarmUpConnections = 200;
        private const int ConnectConcurrency = 32;
        private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(180);
        private static readonly Dictionary<string, int> Ports = new() { ["EdgeProxy"] = FreePort(), ["nginx"] = FreePort(), ["HAProxy"] = FreePort() };
        private static readonly Dictionary<string, int> PlainPorts = new() { ["EdgeProxy"] = FreePort(), ["nginx"] = FreePort(), ["HAProxy"] = FreePort() };
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
            if (settings.MemoryCounts.Length > 0)
            {
                Console.WriteLine("system\tprotocol\tN\tRSS before MB\tRSS after MB\tKB/conn RSS\tKB/conn anon\topened");
            }

            foreach (var count in settings.MemoryCounts)
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

            if (settings.LimitHeld > 0)
            {
                await LimitHeldAsync();
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
                var port = (plain ? PlainPorts : Ports)[system];
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

        /// <summary>
        /// Issue 32: can new clients get in while idle keep-alive connections hold the connection limit? For each system a
        /// fresh server whose limit is L, pinned to CPU 0 as the bench pins the proxies (this tool, whose threads are the
        /// clients, and the backend on CPU 1):
        /// a new-client load with room to spare (which also warms it up), then L idle TLS connections (one request
        /// answered each), then the same load again. A new client is a full TLS 1.3 handshake and one GET with
        /// <c>Connection: close</c> (8 at a time). Reports the new clients' req/s and failed requests, and how
        /// many of the L idle connections the server closed while they came in.
        /// </summary>
        private async Task LimitHeldAsync()
        {
            var limit = settings.LimitHeld;
            Console.WriteLine();
            Console.WriteLine($"new clients while {limit} idle keep-alive TLS connections hold a connection limit of {limit} ({NewClients} at a time for {NewClientSeconds} s, each a new TLS 1.3 connection with one GET and Connection: close)");
            Console.WriteLine("system\tlimit\tidle held\treq/s with room\treq/s limit held\tnew ok\tnew failed\tidle closed by server");

            // nginx counts every connection in worker_connections: its two listening sockets here, client connections and
            // upstream connections. So that L idle clients fill worker_connections = L + 2 exactly: (1) no upstream
            // keep-alive cache, whose cached backend connections would hold slots in numbers that depend on how requests
            // happened to overlap; a backend connection exists only while its request is proxied; (2) the idle
            // connections' one request goes to /held, which nginx answers itself: proxied, the last ones would need a
            // backend slot beyond L + 2 and nginx would already close idle connections while they open. (EdgeProxy and
            // HAProxy proxy /held to the backend like any path.) A new client then needs two slots, its own and its
            // backend connection's, which nginx makes by closing idle keep-alive connections (up to 32 at a time). The
            // backend connect per request is a loopback TCP connect, small against the TLS handshake of every new client.
            // nginx starts closing idle keep-alive connections as soon as fewer than 1/16 of worker_connections are free
            // (ngx_get_connection), so it never lets idle clients take the last ~6 %: "idle held" shows how many it kept.
            await File.WriteAllTextAsync($"{_work}/nginx-limit.conf", NginxConfig(limit + 2, upstreamKeepAlive: false));

            // HAProxy: maxconn L for the process and the frontend (it counts client connections only).
            await File.WriteAllTextAsync($"{_work}/haproxy-limit.cfg", HaproxyConfig(limit));
            // Every thread of a process, and those it starts later; fails harmlessly on a one-CPU machine.
            await RunAsync("taskset", $"-a -cp 1 {Environment.ProcessId}");
            await RunAsync("taskset", $"-a -cp 1 {_backend!.Id}");
            foreach (var system in settings.Systems)
            {
                try
                {
                    await MeasureLimitHeldAsync(system, limit);
                }
                catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or IOException)
                {
                    Console.WriteLine($"{system}\t{limit}\tfailed: {e.Message}");
                }
            }
        }

        private async Task MeasureLimitHeldAsync(string system, int limit)
        {
            using var server = system switch
            {
                "EdgeProxy" => Start("taskset", $"-c 0 dotnet {settings.Publish}/EdgeProxy.dll --config {_work}/edgeproxy.json --Kestrel:Limits:MaxConcurrentConnections={limit} {string.Join(' ', settings.ProxySettings.Select(s => "--" + s))}", settings.Environment),
                "nginx" => Start("taskset", $"-c 0 nginx -c {_work}/nginx-limit.conf -p {_work}", []),
                "HAProxy" => Start("taskset", $"-c 0 haproxy -db -f {_work}/haproxy-limit.cfg", []),
                _ => throw new ArgumentException($"unknown system {system}"),
            };
            var held = new List<HeldConnection>();
            try
            {
                var port = Ports[system];
                await WaitForPortAsync(port, server);
                var withRoom = await NewClientLoadAsync(port);
                held = await HoldAsync(port, limit);
                await Task.Delay(TimeSpan.FromSeconds(settings.SettleSeconds));
                var closedBefore = held.Count(h => h.ClosedByServer);
                var load = await NewClientLoadAsync(port);

                // A connection the server closed at the end of the load is seen a moment later.
                await Task.Delay(TimeSpan.FromSeconds(1));
                var closedAfter = held.Count(h => h.ClosedByServer);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{system}\t{limit}\t{held.Count - closedBefore}\t{withRoom.RequestsPerSecond:F0}\t{load.RequestsPerSecond:F0}\t{load.Succeeded}\t{load.Failed}\t{closedAfter - closedBefore}"));
                if (load.Failed > 0 && load.Errors.Length > 0)
                {
                    Console.WriteLine($"  failures: {load.Errors}");
                }
            }
            finally
            {
                foreach (var connection in held)
                {
                    connection.Dispose();
                }

                Stop(server);
            }
        }

        private const int NewClients = 8;
        private const int NewClientSeconds = 5;
        private static readonly TimeSpan NewClientTimeout = TimeSpan.FromSeconds(3);
        private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);

        private sealed record NewClientLoad(double RequestsPerSecond, long Succeeded, long Failed, string Errors);

        /// <summary>
        /// <see cref="NewClients"/> clients for <see cref="NewClientSeconds"/>, each request on a new connection: TCP connect,
        /// full TLS 1.3 handshake (client-side resumption is off, see Program), one GET with <c>Connection: close</c>, the
        /// response read. An attempt refused, reset or not answered within 3 s counts as failed (its client tries again
        /// 50 ms later), so the load ends within
        /// 8 s whatever the server does. (h2load -D hangs after its duration with clients that reconnect, h2load -n has
        /// no time bound when connections stall.)
        /// </summary>
        private static async Task<NewClientLoad> NewClientLoadAsync(int port)
        {
            long succeeded = 0, failed = 0;
            var errors = new ConcurrentDictionary<string, int>();
            var elapsed = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, NewClients).Select(_ => Task.Run(async () =>
            {
                while (elapsed.Elapsed < TimeSpan.FromSeconds(NewClientSeconds))
                {
                    try
                    {
                        using var connection = await HeldConnection.OpenAsync(port, keepAlive: false, NewClientTimeout, CancellationToken.None);
                        Interlocked.Increment(ref succeeded);
                    }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or AuthenticationException or InvalidDataException)
                    {
                        Interlocked.Increment(ref failed);
                        errors.AddOrUpdate(e is OperationCanceledException ? "timed out" : e.GetType().Name + ": " + e.Message, 1, static (_, n) => n + 1);

                        // A refused client retries after a pause, as a browser would, rather than spinning a CPU.
                        await Task.Delay(RetryPause);
                    }
                }
            })));
            var seconds = elapsed.Elapsed.TotalSeconds;
            return new NewClientLoad(succeeded / seconds, succeeded, failed, string.Join("; ", errors.OrderByDescending(e => e.Value).Take(3).Select(e => $"{e.Value}× {e.Key}")));
        }

        /// <summary>N raw TLS 1.3 HTTP/1.1 connections, each with one request answered and then idle; at most <see cref="ConnectConcurrency"/> handshakes at a time.</summary>
        private static async Task<List<HeldConnection>> HoldAsync(int port, int count)
        {
            var held = new List<HeldConnection>(count);
            using var deadline = new CancellationTokenSource(OpenTimeout);
            using var gate = new SemaphoreSlim(ConnectConcurrency);
            var failures = 0;
            await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                await gate.WaitAsync(deadline.Token);
                try
                {
                    var connection = await HeldConnection.OpenAsync(port, keepAlive: true, TimeSpan.FromSeconds(30), deadline.Token);
                    lock (held)
                    {
                        held.Add(connection);
                    }
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or AuthenticationException or InvalidDataException)
                {
                    if (Interlocked.Increment(ref failures) <= 3)
                    {
                        Console.Error.WriteLine($"  idle connection failed: {e.Message}");
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
            return held;
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

        private static int FreePort()
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)socket.LocalEndPoint!).Port;
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
            await File.WriteAllTextAsync($"{_work}/nginx.conf", NginxConfig(10000, upstreamKeepAlive: true));
            await File.WriteAllTextAsync($"{_work}/haproxy.cfg", HaproxyConfig(9000));
            await File.WriteAllTextAsync($"{_work}/edgeproxy.json", $$"""
                {
                  "Logging": { "LogLevel": { "Default": "Warning" } },
                  "Kestrel": {
                    "Endpoints": {
                      "Https": { "Url": "https://127.0.0.1:{{Ports["EdgeProxy"]}}", "Certificate": { "Path": "{{_work}}/cert.pem", "KeyPath": "{{_work}}/key.pem" } },
                      "Http": { "Url": "http://127.0.0.1:{{PlainPorts["EdgeProxy"]}}" }
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

        private string NginxConfig(int workerConnections, bool upstreamKeepAlive) => $$"""
            worker_processes 1; master_process off; daemon off; pid {{_work}}/nginx.pid; error_log {{_work}}/nginx.log;
            worker_rlimit_nofile 20000; events { worker_connections {{workerConnections}}; }
            http { keepalive_requests 1000000; keepalive_timeout 600s; access_log off;
              upstream backend { server 127.0.0.1:{{BackendPort}}; {{(upstreamKeepAlive ? "keepalive 64;" : "")}} }
              server { listen 127.0.0.1:{{Ports["nginx"]}} ssl http2; listen 127.0.0.1:{{PlainPorts["nginx"]}};
                ssl_certificate {{_work}}/cert.pem; ssl_certificate_key {{_work}}/key.pem;
                ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:SSL:10m;
                location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
                location = /held { default_type text/plain; return 200 "held\n"; } } }
            """;

        private string HaproxyConfig(int maxConnections) => $$"""
            global
              nbthread 1
              maxconn {{maxConnections}}
              ssl-default-bind-options ssl-min-ver TLSv1.2
            defaults
              mode http
              maxconn {{maxConnections}}
              timeout connect 5s
              timeout client 600s
              timeout server 30s
              timeout http-keep-alive 600s
            frontend edge
              bind 127.0.0.1:{{Ports["HAProxy"]}} ssl crt {{_work}}/combined.pem alpn h2,http/1.1
              bind 127.0.0.1:{{PlainPorts["HAProxy"]}}
              default_backend app
            backend app
              http-reuse always
              server b1 127.0.0.1:{{BackendPort}}

            """;

        /// <summary>Runs a process to its end, killed (and its output returned) if it runs longer than <paramref name="timeout"/>.</summary>
        private static async Task<(int ExitCode, string Output)> RunAsync(string file, string arguments, TimeSpan? timeout = null)
        {
            var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                return (-1, await stdout + await stderr);
            }

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
    /// <summary>
    /// A TLS 1.3 HTTP/1.1 connection that sent one request, read its response and stays open, with a read pending to see
    /// whether the server closes it.
    /// </summary>
    internal sealed class HeldConnection : IDisposable
    {
        private readonly SslStream _tls;
        private volatile bool _disposed;
        private volatile bool _closedByServer;

        private HeldConnection(SslStream tls)
        {
            _tls = tls;
        }

        public bool ClosedByServer => _closedByServer;

        /// <summary>Connects and reads one response; with <paramref name="keepAlive"/> false the request asks the server to close.</summary>
        public static async Task<HeldConnection> OpenAsync(int port, bool keepAlive, TimeSpan timeLimit, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(timeLimit);
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            SslStream? tls = null;
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = SslProtocols.Tls13,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                    RemoteCertificateValidationCallback = static (_, _, _, _) => true, // the tool's own self-signed certificate
                }, timeout.Token);
                await tls.WriteAsync(keepAlive ? "GET /held HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray() : "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray(), timeout.Token);
                await ReadResponseAsync(tls, timeout.Token);
            }
            catch
            {
                if (tls is null)
                {
                    socket.Dispose();
                }
                else
                {
                    await tls.DisposeAsync();
                }

                throw;
            }

            var connection = new HeldConnection(tls);
            if (keepAlive)
            {
                _ = connection.WatchAsync();
            }

            return connection;
        }

        /// <summary>Reads one response with a Content-Length body (all three servers send one for the backend's answer).</summary>
        private static async Task ReadResponseAsync(SslStream tls, CancellationToken cancellationToken)
        {
            var buffer = new byte[4096];
            var length = 0;
            while (true)
            {
                var read = await tls.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    throw new IOException("closed before the response ended");
                }

                length += read;
                var text = Encoding.ASCII.GetString(buffer, 0, length);
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end < 0)
                {
                    continue;
                }

                if (!text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"unexpected response: {text[..Math.Min(text.Length, 40)]}");
                }

                var header = text[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("content-length:", StringComparison.OrdinalIgnoreCase))
                    ?? throw new InvalidDataException("response without Content-Length");
                if (length >= end + 4 + int.Parse(header[15..].Trim(), CultureInfo.InvariantCulture))
                {
                    return;
                }
            }
        }

        private async Task WatchAsync()
        {
            try
            {
                // Nothing more is sent, so a read ends only when the server closes the connection (or resets it).
                _ = await _tls.ReadAsync(new byte[1]);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
            }

            if (!_disposed)
            {
                _closedByServer = true;
            }
        }

        public void Dispose()
        {
            _disposed = true;
            _tls.Dispose();
        }
    }
}
