using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Hosting;
using EdgeProxy.Tls;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Ocsp;

/// <summary>
/// Keeps an OCSP response for every served certificate that names a responder: fetched at start (before the proxy
/// reports ready), refreshed at half its validity — and on a timer, so an idle server never lets it lapse — kept on
/// disk so a restart while the responder is down still staples, and handed to .NET's TLS stack through
/// <see cref="OcspResponderProxy"/>. Loopback "warm-up" handshakes make the TLS stack pick a new response up at once,
/// so the first client after start already gets a staple.
/// </summary>
public sealed partial class OcspStapler : BackgroundService
{
    public const string HttpClientName = "ocsp";
    private static readonly TimeSpan WarmUpInterval = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromHours(1);

    private readonly TlsOptions _options;
    private readonly string _cacheDirectory;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly IServer _server;
    private readonly OcspProxyListener _proxyListener;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<OcspStapler> _logger;
    private readonly Dictionary<OcspCertificate, (DateTimeOffset Due, int Failures)> _schedule = [];

    public OcspStapler(
        IConfiguration configuration,
        IHostEnvironment environment,
        IOptions<TlsOptions> options,
        IOptions<EdgeProxyOptions> proxyOptions,
        IHttpClientFactory httpClientFactory,
        TimeProvider timeProvider,
        IServer server,
        OcspProxyListener proxyListener,
        IHostApplicationLifetime lifetime,
        ILogger<OcspStapler> logger)
    {
        _options = options.Value;
        Mode = _options.OcspStapling;
        _cacheDirectory = Path.Combine(Path.GetFullPath(proxyOptions.Value.DataPath, environment.ContentRootPath), "ocsp");
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _server = server;
        _proxyListener = proxyListener;
        _lifetime = lifetime;
        _logger = logger;
        Certificates = OcspCertificateDiscovery.Find(configuration, environment.ContentRootPath, Mode != OcspStaplingMode.False);
    }

    public OcspStaplingMode Mode { get; }

    public IReadOnlyList<OcspCertificate> Certificates { get; }

    /// <summary>True once the first fetch of every certificate was tried and handed to the TLS stack.</summary>
    public bool InitialRoundDone { get; private set; }

    private IEnumerable<OcspCertificate> Stapleable => Certificates.Where(c => c.Id is not null && c.ResponderUrl is not null && c.State.Kind != OcspStateKind.Disabled);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var certificate in Certificates)
        {
            LogState(certificate.Key, certificate.State.Kind, certificate.State.Reason ?? "");
        }

        if (!Stapleable.Any())
        {
            InitialRoundDone = true;
            return Task.CompletedTask;
        }

        foreach (var certificate in Stapleable)
        {
            LoadFromDisk(certificate);
        }

        // Before Kestrel listens, so that the TLS stack's very first fetch already goes through the proxy.
        var authorities = Stapleable.Select(c => new Uri(c.ResponderUrl!).Authority).ToHashSet(StringComparer.OrdinalIgnoreCase);
        HttpClient.DefaultProxy = new OcspResponderProxy(_proxyListener, authorities, HttpClient.DefaultProxy);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        foreach (var certificate in Stapleable)
        {
            await RefreshAsync(certificate, stoppingToken);
        }

        await WarmUpAsync(stoppingToken);
        InitialRoundDone = true;

        var lastWarmUp = _timeProvider.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _timeProvider.GetUtcNow();
            var next = _schedule.Values.Select(s => s.Due).Append(lastWarmUp + WarmUpInterval).Min();
            if (next > now)
            {
                await Task.Delay(next - now, _timeProvider, stoppingToken);
                now = _timeProvider.GetUtcNow();
            }

            foreach (var certificate in _schedule.Where(s => s.Value.Due <= now).Select(s => s.Key).ToList())
            {
                await RefreshAsync(certificate, stoppingToken);
            }

            await WarmUpAsync(stoppingToken);
            lastWarmUp = now;
        }
    }

    /// <summary>Asks the responder once; a good or revoked answer replaces the held one, a failure keeps it.</summary>
    internal async Task RefreshAsync(OcspCertificate certificate, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var (response, error) = await FetchAsync(certificate, OcspCodec.EncodeRequest(certificate.Id!), cancellationToken);
        if (response is not null && Accept(certificate, response) is { } accepted)
        {
            var lifetime = (accepted.NextUpdate ?? accepted.ThisUpdate.AddHours(2)) - accepted.ThisUpdate;
            var due = accepted.ThisUpdate + (lifetime / 2);
            _schedule[certificate] = (due > now ? due : now + _options.OcspRetryInterval, 0);
            return;
        }

        var failures = _schedule.TryGetValue(certificate, out var previous) ? previous.Failures + 1 : 1;
        var delay = _options.OcspRetryInterval * Math.Pow(2, Math.Min(failures - 1, 12));
        _schedule[certificate] = (now + (delay < MaxRetry ? delay : MaxRetry), failures);
        var state = certificate.State;
        certificate.State = state.HoldsValidResponse(now)
            ? state with { LastError = error, FailingSince = state.FailingSince ?? now }
            : new OcspState(OcspStateKind.ResponderUnreachable, FailingSince: state.FailingSince ?? now, LastError: error);
        LogFetchFailed(certificate.Key, certificate.ResponderUrl!, error ?? "", certificate.State.Kind);
    }

    /// <summary>Takes a DER response about <paramref name="certificate"/> if it is usable; returns what it said.</summary>
    private OcspCodec.Answer? Accept(OcspCertificate certificate, byte[] response)
    {
        var answer = OcspCodec.DecodeResponse(response, certificate.Id!, out var error);
        var now = _timeProvider.GetUtcNow();
        if (answer is null || answer.NextUpdate < now)
        {
            LogFetchFailed(certificate.Key, certificate.ResponderUrl!, error ?? "the response has expired", certificate.State.Kind);
            return null;
        }

        var kind = answer.Status switch
        {
            OcspCodec.CertificateStatus.Good => OcspStateKind.StapledGood,
            OcspCodec.CertificateStatus.Revoked => OcspStateKind.Revoked,
            _ => OcspStateKind.Unknown,
        };
        var previous = certificate.State;
        certificate.State = new OcspState(kind, answer.ThisUpdate, answer.NextUpdate, answer.RevokedAt, HandedToTlsAt: previous.HandedToTlsAt, Response: response);
        SaveToDisk(certificate, response);
        if (previous.Kind != kind)
        {
            if (kind == OcspStateKind.StapledGood)
            {
                LogGood(certificate.Key, answer.ThisUpdate, answer.NextUpdate);
            }
            else
            {
                LogBad(certificate.Key, kind);
            }
        }

        return answer;
    }

    private async Task<(byte[]? Response, string? Error)> FetchAsync(OcspCertificate certificate, byte[] request, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new ByteArrayContent(request);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            using var response = await _httpClientFactory.CreateClient(HttpClientName).PostAsync(certificate.ResponderUrl, content, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"HTTP {(int)response.StatusCode} from {certificate.ResponderUrl}");
            }

            return (await response.Content.ReadAsByteArrayAsync(timeout.Token), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"{certificate.ResponderUrl}: {ex.Message}");
        }
    }

    /// <summary>
    /// Answers the TLS stack's own OCSP request (arriving through <see cref="OcspResponderProxy"/>): from the held
    /// response when there is a valid one, else by asking the responder and keeping a usable answer.
    /// </summary>
    internal async Task HandleProxyRequestAsync(HttpContext context)
    {
        byte[] request;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            request = body.ToArray();
        }
        else
        {
            // GET carries the DER request base64-encoded after the responder's path (RFC 6960, appendix A.1); base64
            // has '/' in its alphabet, so everything after the responder's own path is the request.
            var path = context.Request.Path.Value ?? "";
            var responderPath = Stapleable.Select(c => new Uri(c.ResponderUrl!).AbsolutePath.TrimEnd('/'))
                .Where(p => path.StartsWith(p + "/", StringComparison.Ordinal)).MaxBy(p => p.Length) ?? "";
            var encoded = Uri.UnescapeDataString(path[(responderPath.Length + 1)..]);
            var buffer = new byte[encoded.Length];
            request = Convert.TryFromBase64String(encoded, buffer, out var written) ? buffer[..written] : [];
        }

        OcspCertificate? certificate = null;
        try
        {
            var id = OcspCodec.DecodeRequest(request);
            certificate = Stapleable.FirstOrDefault(c => c.Id!.Matches(id));
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
        }

        var now = _timeProvider.GetUtcNow();
        if (certificate is null)
        {
            LogUnknownRequest(context.Request.Method, $"{context.Request.Host}{context.Request.Path}", request.Length);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var held = certificate.State;
        var response = held.HoldsValidResponse(now) ? held.Response : null;
        if (response is null)
        {
            var (fetched, _) = await FetchAsync(certificate, request, context.RequestAborted);
            response = fetched is not null && Accept(certificate, fetched) is not null ? fetched : null;
        }

        if (response is null)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }

        certificate.State = certificate.State with { HandedToTlsAt = now };
        context.Response.ContentType = "application/ocsp-response";
        await context.Response.Body.WriteAsync(response, context.RequestAborted);
    }

    /// <summary>Loopback handshakes asking for a staple, one per HTTPS listener and served name: the TLS stack fetches (through the proxy) on a handshake, never on its own.</summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var endpoints = (_server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Where(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            .Select(a => BindingAddress.Parse(a).Port)
            .Distinct()
            .ToList();
        var names = Stapleable.SelectMany(c => c.Leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()))
            .Append("")
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        for (var round = 0; round < 2; round++)
        {
            foreach (var port in endpoints)
            {
                foreach (var name in names)
                {
                    await HandshakeAsync(port, name, cancellationToken);
                }
            }

            // The first round starts the TLS stack's fetches; the second, shortly after, finds them done.
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private static async Task HandshakeAsync(int port, string serverName, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
            await using var tls = new SslStream(tcp.GetStream());
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                // Online makes the client send status_request, which is what triggers the server's fetch.
                CertificateRevocationCheckMode = X509RevocationMode.Online,
                RemoteCertificateValidationCallback = static (_, _, _, _) => true, // our own listener; only the handshake matters
            }, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            // A listener bound to another address or a name the SNI map refuses: nothing to warm there.
        }
    }

    private string CachePath(OcspCertificate certificate) => Path.Combine(_cacheDirectory, certificate.Leaf.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) + ".der");

    private void LoadFromDisk(OcspCertificate certificate)
    {
        var path = CachePath(certificate);
        if (File.Exists(path) && Accept(certificate, File.ReadAllBytes(path)) is not null)
        {
            LogFromDisk(certificate.Key, path);
        }
    }

    private void SaveToDisk(OcspCertificate certificate, byte[] response)
    {
        try
        {
            Directory.CreateDirectory(_cacheDirectory);
            var path = CachePath(certificate);
            var temp = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temp, response);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogCacheWriteFailed(_cacheDirectory, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OCSP {Certificate}: {State} {Reason}")]
    private partial void LogState(string certificate, OcspStateKind state, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "OCSP {Certificate}: good response held and stapled (thisUpdate {ThisUpdate:u}, nextUpdate {NextUpdate:u}).")]
    private partial void LogGood(string certificate, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate);

    [LoggerMessage(Level = LogLevel.Error, Message = "OCSP {Certificate}: the responder says {State}; clients that check will refuse this certificate. Replace it.")]
    private partial void LogBad(string certificate, OcspStateKind state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OCSP {Certificate}: fetch from {Responder} failed ({Error}); state {State}.")]
    private partial void LogFetchFailed(string certificate, string responder, string error, OcspStateKind state);

    [LoggerMessage(Level = LogLevel.Information, Message = "OCSP {Certificate}: using the response kept in {Path} until the responder answers.")]
    private partial void LogFromDisk(string certificate, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OCSP proxy: a {Method} request for {Target} ({Length} bytes) is about no served certificate; refused.")]
    private partial void LogUnknownRequest(string method, string target, int length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep OCSP responses in {Directory}: {Reason}")]
    private partial void LogCacheWriteFailed(string directory, string reason);
}
