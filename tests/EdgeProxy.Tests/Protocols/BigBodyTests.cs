using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Xunit.Abstractions;

namespace EdgeProxy.Tests.Protocols;

/// <summary>
/// A 1 GB upload and a 1 GB download through the proxy as its own process, whose resident memory (VmRSS) is sampled
/// throughout: it must grow by less than 32 MB over its level after a warm-up transfer. The bytes are made on the fly
/// from one 64 KB buffer at both ends; nothing holds a gigabyte. The route sets <c>MaxRequestBodySize: -1</c> (no
/// limit), Kestrel's 100 MB applying elsewhere. Runs again on the native build (<c>Process=Separate</c>); kept apart
/// from the streaming-latency tests so that neither measures the other's load.
/// </summary>
[Trait("Process", "Separate")]
[Collection(StreamingTests.TimingCollection)]
public sealed class BigBodyTests(ITestOutputHelper output)
{
    private const long Gigabyte = 1L << 30;
    private const long MaxGrowth = 32L << 20;
    private const int Chunk = 64 * 1024;

    [Fact]
    public async Task A_1_GB_upload_and_a_1_GB_download_stream_through_with_flat_proxy_memory()
    {
        await using var backend = await ProtocolBackend.StartAsync(HttpProtocols.Http1, app => app.Run(async context =>
        {
            if (HttpMethods.IsPost(context.Request.Method))
            {
                var received = 0L;
                var buffer = new byte[Chunk];
                for (int read; (read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0;)
                {
                    received += read;
                }

                await context.Response.WriteAsync($"received={received}", context.RequestAborted);
                return;
            }

            var length = long.Parse(context.Request.Query["bytes"]!, System.Globalization.CultureInfo.InvariantCulture);
            context.Response.ContentLength = length;
            var chunk = new byte[Chunk];
            for (var sent = 0L; sent < length; sent += Chunk)
            {
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(Chunk, length - sent)), context.RequestAborted);
            }
        }));
        var config = TestConfig.SingleCluster(backend.Address.ToString());
        config["ReverseProxy"]!["Routes"]!["all"]!["MaxRequestBodySize"] = -1;
        await using var proxy = await ProxyServerProcess.StartAsync(config);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{proxy.HttpPort}/"),
            Timeout = TimeSpan.FromMinutes(2),
        };

        // Warm-up: code compiled, pools and buffers at their working size.
        Assert.Equal(64L << 20, await UploadAsync(client, 64L << 20));
        Assert.Equal(64L << 20, await DownloadAsync(client, 64L << 20));

        var (uploaded, uploadGrowth, uploadTime) = await MeasureAsync(proxy.ProcessId, () => UploadAsync(client, Gigabyte));
        var (downloaded, downloadGrowth, downloadTime) = await MeasureAsync(proxy.ProcessId, () => DownloadAsync(client, Gigabyte));
        output.WriteLine($"upload 1 GiB: {uploadTime.TotalSeconds:F1} s, proxy RSS growth {uploadGrowth / 1024.0 / 1024:F1} MiB");
        output.WriteLine($"download 1 GiB: {downloadTime.TotalSeconds:F1} s, proxy RSS growth {downloadGrowth / 1024.0 / 1024:F1} MiB");

        Assert.Equal(Gigabyte, uploaded);
        Assert.Equal(Gigabyte, downloaded);
        Assert.True(uploadGrowth < MaxGrowth, $"proxy RSS grew {uploadGrowth} bytes during the upload");
        Assert.True(downloadGrowth < MaxGrowth, $"proxy RSS grew {downloadGrowth} bytes during the download");
    }

    /// <summary>Runs <paramref name="transfer"/> while sampling the proxy's RSS every 20 ms; the growth is the highest sample over the level before.</summary>
    private static async Task<(long Bytes, long Growth, TimeSpan Time)> MeasureAsync(int pid, Func<Task<long>> transfer)
    {
        var before = ResidentBytes(pid);
        var peak = before;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, ResidentBytes(pid));
                await Task.Delay(20, CancellationToken.None);
            }
        });
        var watch = Stopwatch.StartNew();
        var bytes = await transfer();
        watch.Stop();
        await done.CancelAsync();
        await sampler;
        peak = Math.Max(peak, ResidentBytes(pid));
        return (bytes, peak - before, watch.Elapsed);
    }

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task<long> UploadAsync(HttpClient client, long length)
    {
        using var response = await client.PostAsync("/upload", new GeneratedContent(length));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        return long.Parse(text["received=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<long> DownloadAsync(HttpClient client, long length)
    {
        using var response = await client.GetAsync($"/download?bytes={length}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[Chunk];
        var total = 0L;
        for (int read; (read = await body.ReadAsync(buffer)) > 0;)
        {
            total += read;
        }

        return total;
    }

    /// <summary>A request body of <c>length</c> bytes written from one reused buffer, with its Content-Length.</summary>
    private sealed class GeneratedContent(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[Chunk];
            for (var sent = 0L; sent < length; sent += Chunk)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(Chunk, length - sent)));
            }
        }

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length;
            return true;
        }
    }
}
