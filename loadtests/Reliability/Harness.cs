using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EdgeProxy.Bench;

namespace EdgeProxy.Reliability;

/// <summary>
/// The published proxy, a certificate, free loopback ports, and the processes of the current scenario. The proxy runs
/// on CPU 0, backends on CPU 1 (like the comparison bench); the load comes from this process.
/// </summary>
public sealed class Harness : IDisposable
{
    private readonly List<ManagedProcess> _processes = [];
    private int _runs;

    private Harness(string work, int soakSeconds)
    {
        Work = work;
        SoakSeconds = soakSeconds;
    }

    public string Work { get; }

    public int SoakSeconds { get; }

    public static async Task<Harness> CreateAsync(int soakSeconds)
    {
        var root = FindRepositoryRoot();
        var work = Directory.CreateTempSubdirectory("edgeproxy-reliability-").FullName;
        Console.WriteLine($"publishing EdgeProxy (Release) to {work}/publish ...");
        await Must("dotnet", $"publish {root}/src/Proxy -c Release -o {work}/publish", TimeSpan.FromMinutes(10));
        await Must("openssl",
            $"req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout {work}/key.pem -out {work}/cert.pem -days 90 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1",
            TimeSpan.FromMinutes(1));
        return new Harness(work, soakSeconds);
    }

    /// <summary>A free loopback TCP port (asked of the kernel, then released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<ManagedProcess> StartBackendAsync(int port)
    {
        var self = Environment.ProcessPath!;
        var (file, arguments) = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? (self, $"{typeof(Harness).Assembly.Location} --backend {port}")
            : (self, $"--backend {port}");
        var backend = ManagedProcess.Start(1, file, arguments, Work, logPath: $"{Work}/backend-{port}.out");
        _processes.Add(backend);
        await WaitForPortAsync(port);
        return backend;
    }

    /// <summary>One backend and a proxy with a catch-all route to it (the setup most scenarios share).</summary>
    public async Task<Proxy> StartProxyWithOneBackendAsync(string edgeProxy = "")
    {
        var backend = FreePort();
        await StartBackendAsync(backend);
        return await StartProxyAsync($$"""
            "Routes": { "all": { "ClusterId": "web", "Match": { "Path": "{**catch-all}" } } },
            "Clusters": { "web": { "Destinations": { "b1": { "Address": "http://127.0.0.1:{{backend}}/" } } } }
            """, edgeProxy);
    }

    /// <summary>Starts the proxy with one HTTPS listener; <paramref name="edgeProxy"/> and <paramref name="reverseProxy"/>
    /// are the JSON bodies of those sections (without braces around ReverseProxy's routes/clusters).</summary>
    public async Task<Proxy> StartProxyAsync(string reverseProxy, string edgeProxy = "", string? configFile = null)
    {
        var run = ++_runs;
        var folder = Directory.CreateDirectory($"{Work}/run{run}").FullName;
        var proxy = new Proxy(FreePort(), FreePort(), configFile ?? $"{folder}/edgeproxy.json", folder);
        await File.WriteAllTextAsync(proxy.ConfigFile, proxy.Config(reverseProxy, edgeProxy, Work));
        proxy.Process = ManagedProcess.Start(0, "dotnet", $"{Work}/publish/EdgeProxy.dll --config {proxy.ConfigFile}", folder, logPath: $"{folder}/proxy.out");
        _processes.Add(proxy.Process);
        var deadline = Stopwatch.StartNew();
        while (!await proxy.ReadyAsync())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60) || proxy.Process.HasExited)
            {
                throw new InvalidOperationException($"the proxy did not become ready; see {folder}/proxy.out");
            }

            await Task.Delay(200);
        }

        return proxy;
    }

    public void StopAll()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _processes.Clear();
    }

    public void Dispose() => StopAll();

    public static async Task WaitForPortAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task Must(string file, string arguments, TimeSpan timeout)
    {
        var (code, output) = await ManagedProcess.RunAsync(file, arguments, timeout);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed:\n{output}");
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeProxy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("run the suite from inside the repository");
    }
}

/// <summary>One running proxy: its ports, its configuration file, and the admin endpoints read from outside.</summary>
public sealed class Proxy(int port, int adminPort, string configFile, string folder)
{
    private static readonly HttpClient Admin = new() { Timeout = TimeSpan.FromSeconds(10) };

    public int Port { get; } = port;

    public int AdminPort { get; } = adminPort;

    public string ConfigFile { get; } = configFile;

    public string Folder { get; } = folder;

    public ManagedProcess Process { get; set; } = null!;

    public Uri Url(string path = "/") => new($"https://127.0.0.1:{Port}{path}");

    public string Config(string reverseProxy, string edgeProxy, string work) => $$"""
        {
          "Logging": { "LogLevel": { "Default": "Warning", "EdgeProxy.AccessLog": "Warning" } },
          "Kestrel": { "Endpoints": { "Https": { "Url": "https://127.0.0.1:{{Port}}", "Certificate": { "Path": "{{work}}/cert.pem", "KeyPath": "{{work}}/key.pem" } } } },
          "EdgeProxy": {
            "Admin": { "Url": "http://127.0.0.1:{{AdminPort}}" },
            "DataPath": "{{Folder}}/data",
            "Tls": { "OcspStapling": false },
            {{(edgeProxy.Contains("\"ClientIp\"", StringComparison.Ordinal) ? "" : "\"ClientIp\": { \"TrustCloudflare\": false, \"TrustedNetworks\": [ \"127.0.0.1/32\" ] },")}}
            {{edgeProxy}}
            "Hsts": { "Enabled": true }
          },
          "ReverseProxy": {
            {{reverseProxy}}
          }
        }
        """;

    public async Task<bool> ReadyAsync()
    {
        try
        {
            using var answer = await Admin.GetAsync(new Uri($"http://127.0.0.1:{AdminPort}/readyz"));
            return answer.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async Task<string> MetricsAsync() => await Admin.GetStringAsync(new Uri($"http://127.0.0.1:{AdminPort}/metrics"));

    public async Task<JsonNode> StatusAsync() => JsonNode.Parse(await Admin.GetStringAsync(new Uri($"http://127.0.0.1:{AdminPort}/status")))!;

    public async Task<JsonNode> TrustAsync(string ip) => JsonNode.Parse(await Admin.GetStringAsync(new Uri($"http://127.0.0.1:{AdminPort}/trust?ip={ip}")))!;

    /// <summary>The sum of every sample of a metric whose line starts with <paramref name="nameAndLabels"/>.</summary>
    public static double Metric(string metrics, string nameAndLabels) => metrics.Split('\n')
        .Where(l => l.StartsWith(nameAndLabels, StringComparison.Ordinal) && (l.Length == nameAndLabels.Length || l[nameAndLabels.Length] is ' ' or '{' or ',' or '}'))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    /// <summary>Open file descriptors of the proxy process (sockets, files, pipes).</summary>
    public int HandleCount() => Directory.GetFiles($"/proc/{Process.Id}/fd").Length;
}
