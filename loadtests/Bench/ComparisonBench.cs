using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeProxy.Bench;

/// <summary>
/// Starts a native backend (nginx, one worker) and TLS proxies in front of it — EdgeProxy (regular build with and
/// without the access log, trimmed ReadyToRun, native), stock YARP (also with the lean-upstream prototype), nginx and
/// HAProxy — with the same ECDSA P-256 certificate and the Mozilla intermediate policy; pins the proxies to CPU 0 and the
/// load generator and backend to CPU 1; records the EdgeProxy builds' warm-up from process start, then warms the .NET
/// proxies up (JIT); runs interleaved rounds of wrk (HTTPS HTTP/1.1) and h2load (HTTP/2 over TLS), then back-to-back
/// pairs pricing the access log; prints medians per system. Only 127.0.0.1; every run is bounded in time.
/// </summary>
public sealed partial class ComparisonBench(BenchSettings settings)
{
    private const int BackendPort = 18080;
    private const string Body = "EdgeProxy bench backend: a small fixed answer of one hundred & four bytes, like a tiny JSON API reply..\n";
    private static readonly (string Name, int Port)[] Systems =
        [("EdgeProxy", 18443), (LoggingSystem, 18448), (TrimmedSystem, 18449), ("EdgeProxy native", 18446), ("stock YARP", 18447), (LeanSystem, 18450), ("nginx", 18444), (NginxLoggingSystem, 18451), ("HAProxy", 18445)];

    // The regular build again with the JSON access log on the console target, to price the log within one run.
    private const string LoggingSystem = "EdgeProxy + access log";

    // nginx again with a JSON access log of the same fields, buffered as nginx users run it: what the log costs there.
    internal const string NginxLoggingSystem = "nginx + access log";

    // The regular build published trimmed, self-contained and ReadyToRun: the smaller-memory way to ship it.
    private const string TrimmedSystem = "EdgeProxy trimmed R2R";

    // Stock YARP with the prototype lean HTTP/1.1 upstream handler (loadtests/LeanUpstream) instead of SocketsHttpHandler.
    private const string LeanSystem = "stock YARP + lean upstream";

    private static readonly string[] DotNetSystems = ["EdgeProxy", LoggingSystem, TrimmedSystem, "EdgeProxy native", "stock YARP", LeanSystem];

    private const string HttpsLoad = "HTTPS HTTP/1.1 (wrk -c64)";
    private const string Http2Load = "HTTP/2 over TLS (h2load -c16 -m8)";

    // Alternating short runs of the regular build with and without the access log, to price the log (see RunAsync).
    private const int AccessLogPairs = 6;
    private const int AccessLogPairSeconds = 5;

    // The pairs of the .NET builds are spread over this many starts of both processes: one start's JIT (tiering, dynamic
    // PGO) can leave a process a few percent faster or slower than the next start of the same build, as much as the
    // log's cost; nginx has no JIT and keeps its processes.
    private const int AccessLogProcessStarts = 3;

    private static int Port(string system) => Systems.Single(s => s.Name == system).Port;
    private const string Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

    private readonly string _work = Directory.CreateTempSubdirectory("edgeproxy-bench-").FullName;
    private readonly Dictionary<string, ManagedProcess> _servers = [];

    public async Task<int> RunAsync()
    {
        try
        {
            await EnsureToolsAsync();
            await CreateCertificateAsync();
            await PublishAsync();
            var starters = StartServers();
            await WaitForPortsAsync(Systems.Where(s => _servers.ContainsKey(s.Name)).Select(s => s.Port).Append(BackendPort));

            if (settings.OnlyHandshakes)
            {
                return await RunHandshakesOnlyAsync(starters);
            }

            // The EdgeProxy builds of WarmUpCurve.Systems start only now, one at a time, so their first seconds are measured from process start.
            var curves = new Dictionary<string, WarmUpCurve>();
            foreach (var name in WarmUpCurve.Systems)
            {
                Console.WriteLine($"starting {name}: req/s per second for its first {WarmUpCurve.Seconds} s...");
                curves[name] = await WarmUpCurve.MeasureAsync(() => _servers[name] = starters[name](), Port(name), async () => (await Wrk(Port(name), 1)).Item1);
            }

            foreach (var (name, port) in Systems.Where(s => DotNetSystems.Contains(s.Name)))
            {
                // The native build has no JIT to warm; a short run still fills its connection pools like the others'.
                var seconds = name.EndsWith("native", StringComparison.Ordinal) ? 10 : settings.WarmUpSeconds;
                Console.WriteLine($"warming {name} up for {seconds} s (tiered JIT and dynamic PGO)...");
                await Wrk(port, seconds);
            }

            var results = new List<Measurement>();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                foreach (var (name, _) in Systems)
                {
                    results.Add(await MeasureAsync(name, HttpsLoad, settings.Seconds));
                    results.Add(await MeasureAsync(name, Http2Load, settings.Seconds));
                }

                Console.WriteLine($"round {round}/{settings.Rounds} done");
            }

            var handshakes = await HandshakeBench.RunAsync(HandshakeSystems(), settings.HandshakeRounds, settings.Seconds);
            var idleMemory = await IdleMemoryAsync();

            // The rounds run each system minutes apart, and the drift between them is as large as the access log's
            // cost; pairs of short runs back to back (which one goes first alternates) compare like with like.
            Console.WriteLine($"access log cost: {AccessLogPairs} alternating pairs of {AccessLogPairSeconds} s per load (EdgeProxy's over {AccessLogProcessStarts} process starts)...");
            var pairs = new List<(Measurement Off, Measurement On)>();
            foreach (var (off, on, starts) in new[] { ("EdgeProxy", LoggingSystem, AccessLogProcessStarts), ("nginx", NginxLoggingSystem, 1) })
            {
                for (var start = 0; start < starts; start++)
                {
                    if (start > 0)
                    {
                        await RestartAsync([off, on], starters);
                    }

                    foreach (var load in new[] { HttpsLoad, Http2Load })
                    {
                        for (var i = 0; i < AccessLogPairs / starts; i++)
                        {
                            var first = await MeasureAsync(i % 2 == 0 ? off : on, load, AccessLogPairSeconds);
                            var second = await MeasureAsync(i % 2 == 0 ? on : off, load, AccessLogPairSeconds);
                            pairs.Add(i % 2 == 0 ? (first, second) : (second, first));
                        }
                    }
                }
            }

            Console.WriteLine();
            Console.WriteLine(BenchReport.Write(results, LoggingSystem, DotNetSystems, LeanSystem));
            Console.WriteLine(BenchReport.WriteAccessLogPairs(pairs));
            Console.WriteLine(HandshakeBench.Write(handshakes));
            Console.WriteLine(idleMemory);
            foreach (var (name, curve) in curves)
            {
                Console.WriteLine(curve.Describe(name, BenchReport.MedianRps(results, name, HttpsLoad)));
            }

            Directory.Delete(_work, recursive: true);
            return 0;
        }
        catch
        {
            Console.Error.WriteLine($"bench failed; configurations and server logs are in {_work}");
            throw;
        }
        finally
        {
            foreach (var server in _servers.Values)
            {
                server.Dispose();
            }
        }
    }

    /// <summary>
    /// KB of RSS per idle keep-alive TLS connection, RSS 30 s after the connections closed (a storm's memory coming
    /// back), and new clients' req/s while 1,000 idle connections hold a connection limit of 1,000, EdgeProxy's regular
    /// build against nginx and HAProxy: <c>loadtests/IdleConnections</c>, with its own servers and ports, on the build
    /// published above (docs/connections-memory.md, docs/performance.md).
    /// </summary>
    private async Task<string> IdleMemoryAsync()
    {
        Console.WriteLine("memory per idle connection and after the storm (loadtests/IdleConnections, 3,000 connections, HTTP/1.1 and HTTP/2), new clients while 1,000 idle connections hold the limit...");
        var (code, output) = await ManagedProcess.RunAsync("dotnet",
            $"run -c Release --project {settings.RepositoryRoot}/loadtests/IdleConnections -- --publish {_work}/publish --counts 3000 --protocols h1,h2 --after-close 30 --limit-held 1000",
            TimeSpan.FromMinutes(30));
        return code == 0 ? output : throw new InvalidOperationException($"loadtests/IdleConnections failed:\n{output}");
    }

    /// <summary>The systems the connection loads compare: the regular and native builds against nginx and HAProxy.</summary>
    private Dictionary<string, (ManagedProcess, int)> HandshakeSystems() =>
        new[] { "EdgeProxy", "EdgeProxy native", "nginx", "HAProxy" }.ToDictionary(name => name, name => (_servers[name], Port(name)));

    /// <summary><c>--only handshakes</c>: starts the EdgeProxy builds, warms them up, runs the connection loads alone.</summary>
    private async Task<int> RunHandshakesOnlyAsync(Dictionary<string, Func<ManagedProcess>> starters)
    {
        foreach (var name in new[] { "EdgeProxy", "EdgeProxy native" })
        {
            _servers[name] = starters[name]();
            await WaitForPortsAsync([Port(name)]);
            Console.WriteLine($"warming {name} up for {settings.WarmUpSeconds} s...");
            await Wrk(Port(name), settings.WarmUpSeconds);
            await HandshakeBench.RunAsync(new Dictionary<string, (ManagedProcess, int)> { [name] = (_servers[name], Port(name)) }, 1, settings.Seconds);
        }

        var results = await HandshakeBench.RunAsync(HandshakeSystems(), settings.HandshakeRounds, settings.Seconds);
        var idleMemory = await IdleMemoryAsync();
        Console.WriteLine();
        Console.WriteLine(HandshakeBench.Write(results));
        Console.WriteLine(idleMemory);
        Directory.Delete(_work, recursive: true);
        return 0;
    }

    /// <summary>Stops the systems, starts them again and warms them up on both loads, as the rounds' processes were.</summary>
    private async Task RestartAsync(string[] systems, Dictionary<string, Func<ManagedProcess>> starters)
    {
        foreach (var system in systems)
        {
            Console.WriteLine($"restarting {system} and warming it up for {settings.WarmUpSeconds} s...");
            _servers[system].Dispose();
            _servers[system] = starters[system]();
            await WaitForPortsAsync([Port(system)]);
            await Wrk(Port(system), settings.WarmUpSeconds / 2);
            await H2Load(Port(system), settings.WarmUpSeconds / 2);
        }
    }

    private async Task<Measurement> MeasureAsync(string system, string load, int seconds)
    {
        var server = _servers[system];
        var port = Port(system);
        var before = server.Counters();
        var (rps, p50, p99, mean) = await (load == HttpsLoad ? Wrk(port, seconds) : H2Load(port, seconds));
        var after = server.Counters();
        var requests = rps * seconds;
        double PerRequest(double value) => requests > 0 ? value / requests : double.NaN;
        return new Measurement(system, load, rps, p50, p99, mean,
            PerRequest(after.UserMicroseconds - before.UserMicroseconds), PerRequest(after.KernelMicroseconds - before.KernelMicroseconds),
            PerRequest(after.ContextSwitches - before.ContextSwitches), server.RssMegabytes());
    }

    private async Task<(double, double?, double?, double?)> Wrk(int port, int seconds)
    {
        var (_, output) = await ManagedProcess.RunAsync("taskset", $"-c 1 wrk -t1 -c64 -d{seconds}s --latency https://127.0.0.1:{port}/", TimeSpan.FromSeconds(seconds + 30));
        EnsureOnlySuccess(port, WrkFailures().Match(output), output);
        return (Number(RequestsPerSecond().Match(output)), Milliseconds(Percentile50().Match(output)), Milliseconds(Percentile99().Match(output)), null);
    }

    private async Task<(double, double?, double?, double?)> H2Load(int port, int seconds)
    {
        var (_, output) = await ManagedProcess.RunAsync("taskset", $"-c 1 h2load -c16 -m8 -D {seconds} https://127.0.0.1:{port}/", TimeSpan.FromSeconds(seconds + 30));
        EnsureOnlySuccess(port, H2LoadFailures().Match(output), output);
        var mean = H2LoadRequestTime().Match(output);
        return (Number(H2LoadRps().Match(output)), null, null, mean.Success ? ToMilliseconds(mean.Groups[1].Value, mean.Groups[2].Value) : null);
    }

    /// <summary>A proxy answering errors fast must not look fast: any error answer fails the bench.</summary>
    private static void EnsureOnlySuccess(int port, Match failures, string output)
    {
        if (failures.Success && failures.Groups.Cast<Group>().Skip(1).Any(g => g.Success && g.Value != "0"))
        {
            throw new InvalidOperationException($"the proxy on port {port} answered with errors:\n{output}");
        }
    }

    private static double Number(Match match) => match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    private static double? Milliseconds(Match match) => match.Success ? ToMilliseconds(match.Groups[1].Value, match.Groups[2].Value) : null;

    private static double ToMilliseconds(string value, string unit)
    {
        var number = double.Parse(value, CultureInfo.InvariantCulture);
        return unit switch { "us" => number / 1000, "s" => number * 1000, _ => number };
    }

    private static async Task EnsureToolsAsync()
    {
        // clang and zlib's headers build the native (AOT) EdgeProxy.
        var needed = new[] { ("sbin/nginx", "nginx"), ("sbin/haproxy", "haproxy"), ("bin/wrk", "wrk"), ("bin/h2load", "nghttp2-client"), ("bin/openssl", "openssl"), ("bin/clang", "clang"), ("include/zlib.h", "zlib1g-dev") }
            .Where(t => !File.Exists($"/usr/{t.Item1}"))
            .Select(t => t.Item2)
            .ToList();
        if (needed.Count > 0)
        {
            Console.WriteLine($"installing {string.Join(' ', needed)} (Debian packages)...");
            await ManagedProcess.RunAsync("apt-get", "update -qq", TimeSpan.FromMinutes(5));
            var (code, output) = await ManagedProcess.RunAsync("apt-get", $"install -y -qq {string.Join(' ', needed)}", TimeSpan.FromMinutes(10));
            if (code != 0)
            {
                throw new InvalidOperationException($"apt-get install failed:\n{output}");
            }
        }
    }

    private async Task CreateCertificateAsync()
    {
        var (code, output) = await ManagedProcess.RunAsync("openssl",
            $"req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout {_work}/key.pem -out {_work}/cert.pem -days 90 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1",
            TimeSpan.FromMinutes(1));
        if (code != 0)
        {
            throw new InvalidOperationException(output);
        }

        await File.WriteAllTextAsync($"{_work}/combined.pem", await File.ReadAllTextAsync($"{_work}/cert.pem") + await File.ReadAllTextAsync($"{_work}/key.pem"));
    }

    private async Task PublishAsync()
    {
        foreach (var (what, arguments) in new[]
        {
            ("EdgeProxy", $"src/Proxy -c Release -o {_work}/publish"),
            (TrimmedSystem, $"src/Proxy -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -p:PublishReadyToRun=true -o {_work}/trimmed"),
            ("EdgeProxy native", $"src/Proxy -c Release -r linux-x64 -p:PublishAot=true -o {_work}/native"),
            ("stock YARP", $"loadtests/StockYarp -c Release -o {_work}/stock"),
            (LeanSystem, $"loadtests/LeanUpstream -c Release -o {_work}/lean"),
        })
        {
            Console.WriteLine($"publishing {what} (Release)...");
            var (code, output) = await ManagedProcess.RunAsync("dotnet", $"publish {settings.RepositoryRoot}/{arguments}", TimeSpan.FromMinutes(10));
            if (code != 0)
            {
                throw new InvalidOperationException(output);
            }
        }
    }

    /// <summary>
    /// Starts every server except the EdgeProxy builds of <see cref="WarmUpCurve.Systems"/>, which are returned as starters
    /// (see <see cref="WarmUpCurve"/>), with the logging build's (to restart it).
    /// </summary>
    private Dictionary<string, Func<ManagedProcess>> StartServers()
    {
        File.WriteAllText($"{_work}/backend.conf", $$"""
            worker_processes 1; master_process off; daemon off; pid {{_work}}/backend.pid; error_log {{_work}}/backend.log;
            events { worker_connections 4096; }
            http { access_log off; keepalive_requests 1000000;
              server { listen 127.0.0.1:{{BackendPort}}; location / { default_type text/plain; return 200 "{{Body.TrimEnd('\n')}}\n"; } } }
            """);
        foreach (var (name, system, accessLog) in new[] { ("nginx", "nginx", "access_log off;"), ("nginx-log", NginxLoggingSystem, $"access_log {_work}/logs/nginx-access.log json buffer=64k flush=1s;") })
        {
            File.WriteAllText($"{_work}/{name}.conf", $$"""
                worker_processes 1; master_process off; daemon off; pid {{_work}}/{{name}}.pid; error_log {{_work}}/{{name}}.log;
                events { worker_connections 4096; }
                http { keepalive_requests 1000000;
                  log_format json escape=json '{"time":"$time_iso8601","client_ip":"$remote_addr","peer_ip":"$realip_remote_addr","method":"$request_method","scheme":"$scheme","host":"$host","path":"$request_uri","protocol":"$server_protocol","status":$status,"bytes_in":$request_length,"bytes_out":$body_bytes_sent,"duration_ms":$request_time,"upstream_ms":"$upstream_response_time","route":"all","cluster":"backend","destination":"$upstream_addr","tls_protocol":"$ssl_protocol","tls_cipher":"$ssl_cipher","sni":"$ssl_server_name","user":"$remote_user","user_agent":"$http_user_agent","referer":"$http_referer","cf_ray":"$http_cf_ray","traceparent":"$http_traceparent"}';
                  {{accessLog}}
                  upstream backend { server 127.0.0.1:{{BackendPort}}; keepalive 64; }
                  server { listen 127.0.0.1:{{Port(system)}} ssl http2;
                    ssl_certificate {{_work}}/cert.pem; ssl_certificate_key {{_work}}/key.pem;
                    ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers {{Ciphers}}; ssl_session_cache shared:SSL:10m;
                    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
                    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection "";
                      proxy_set_header X-Forwarded-For $remote_addr; proxy_set_header X-Real-IP $remote_addr; proxy_set_header Host $host; } } }
                """);
        }

        File.WriteAllText($"{_work}/haproxy.cfg", $$"""
            global
              nbthread 1
              ssl-default-bind-ciphers {{Ciphers}}
              ssl-default-bind-options ssl-min-ver TLSv1.2
            defaults
              mode http
              timeout connect 5s
              timeout client 30s
              timeout server 30s
              option forwardfor
            frontend edge
              bind 127.0.0.1:{{Port("HAProxy")}} ssl crt {{_work}}/combined.pem alpn h2,http/1.1
              http-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains"
              default_backend app
            backend app
              http-reuse always
              server b1 127.0.0.1:{{BackendPort}}

            """);
        foreach (var (name, port, adminPort, accessLog) in new[]
        {
            ("edgeproxy", Port("EdgeProxy"), 19901, false), ("logging", Port(LoggingSystem), 19903, true), ("trimmed", Port(TrimmedSystem), 19904, false),
            ("native", Port("EdgeProxy native"), 19902, false),
        })
        {
            File.WriteAllText($"{_work}/{name}.json", $$"""
            {
              "Logging": { "LogLevel": { "Default": "Warning" } },
              "Kestrel": { "Endpoints": { "Https": { "Url": "https://127.0.0.1:{{port}}", "Certificate": { "Path": "{{_work}}/cert.pem", "KeyPath": "{{_work}}/key.pem" } } } },
              "EdgeProxy": {
                "Admin": { "Url": "http://127.0.0.1:{{adminPort}}" },
                "ClientIp": { "TrustCloudflare": false, "TrustedNetworks": [ "127.0.0.1/32" ] },
                "AccessLog": { "Enabled": {{(accessLog ? "true" : "false")}}, "Format": "Json", "Console": true }
              },
              "ReverseProxy": {
                "Routes": { "all": { "ClusterId": "backend", "Match": { "Path": "{**catch-all}" } } },
                "Clusters": { "backend": { "Destinations": { "b1": { "Address": "http://127.0.0.1:{{BackendPort}}/" } } } }
              }
            }
            """);
        }

        // Server output goes beside, not into, the folder of the config files: EdgeProxy watches that folder, and a log
        // written there would wake its watcher on every write (a cost no real deployment has).
        Directory.CreateDirectory($"{_work}/logs");
        _servers["backend"] = ManagedProcess.Start(1, "nginx", $"-c {_work}/backend.conf -p {_work}", _work, logPath: $"{_work}/logs/backend.out");
        _servers["nginx"] = ManagedProcess.Start(0, "nginx", $"-c {_work}/nginx.conf -p {_work}", _work, logPath: $"{_work}/logs/nginx.out");
        _servers[NginxLoggingSystem] = ManagedProcess.Start(0, "nginx", $"-c {_work}/nginx-log.conf -p {_work}", _work, logPath: $"{_work}/logs/nginx-log.out");
        _servers["HAProxy"] = ManagedProcess.Start(0, "haproxy", $"-db -f {_work}/haproxy.cfg", _work, logPath: $"{_work}/logs/haproxy.out");
        ManagedProcess StartLogging() => ManagedProcess.Start(0, "dotnet", $"{_work}/publish/EdgeProxy.dll --config {_work}/logging.json", _work, settings.EdgeProxyEnvironment, $"{_work}/logs/logging.out", stdoutFile: $"{_work}/logs/access.log");
        _servers[LoggingSystem] = StartLogging();
        // The sample's appsettings.json level (Warning for ASP.NET Core), everything else as YARP ships it.
        string YarpSample(string system) =>
            $"--Logging:LogLevel:Default=Warning --Kestrel:Endpoints:Https:Url=https://127.0.0.1:{Port(system)} " +
            $"--Kestrel:Endpoints:Https:Certificate:Path={_work}/cert.pem --Kestrel:Endpoints:Https:Certificate:KeyPath={_work}/key.pem " +
            $"--ReverseProxy:Routes:all:ClusterId=backend --ReverseProxy:Routes:all:Match:Path={{**catch-all}} " +
            $"--ReverseProxy:Clusters:backend:Destinations:b1:Address=http://127.0.0.1:{BackendPort}/";
        _servers["stock YARP"] = ManagedProcess.Start(0, "dotnet", $"{_work}/stock/StockYarp.dll {YarpSample("stock YARP")}", _work, logPath: $"{_work}/logs/stock.out");
        _servers[LeanSystem] = ManagedProcess.Start(0, "dotnet", $"{_work}/lean/LeanUpstream.dll {YarpSample(LeanSystem)}", _work, logPath: $"{_work}/logs/lean.out");
        return new()
        {
            ["EdgeProxy"] = () => ManagedProcess.Start(0, "dotnet", $"{_work}/publish/EdgeProxy.dll --config {_work}/edgeproxy.json", _work, settings.EdgeProxyEnvironment, $"{_work}/logs/edgeproxy.out"),
            [TrimmedSystem] = () => ManagedProcess.Start(0, $"{_work}/trimmed/EdgeProxy", $"--config {_work}/trimmed.json", _work, settings.EdgeProxyEnvironment, $"{_work}/logs/trimmed.out"),
            ["EdgeProxy native"] = () => ManagedProcess.Start(0, $"{_work}/native/EdgeProxy", $"--config {_work}/native.json", _work, settings.EdgeProxyEnvironment, $"{_work}/logs/native.out"),
            [LoggingSystem] = StartLogging, // already running; here to be restarted for the access log pairs
        };
    }

    private static async Task WaitForPortsAsync(IEnumerable<int> ports)
    {
        foreach (var port in ports)
        {
            await WarmUpCurve.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        }
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+50%\s+([\d.]+)(us|ms|s)", RegexOptions.Multiline)]
    private static partial Regex Percentile50();

    [GeneratedRegex(@"^\s+99%\s+([\d.]+)(us|ms|s)", RegexOptions.Multiline)]
    private static partial Regex Percentile99();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex WrkFailures();

    [GeneratedRegex(@"status codes: \d+ 2xx, \d+ 3xx, (\d+) 4xx, (\d+) 5xx")]
    private static partial Regex H2LoadFailures();

    [GeneratedRegex(@"finished in [\d.]+\w+, ([\d.]+) req/s")]
    private static partial Regex H2LoadRps();

    [GeneratedRegex(@"time for request:\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms|s)")]
    private static partial Regex H2LoadRequestTime();
}
