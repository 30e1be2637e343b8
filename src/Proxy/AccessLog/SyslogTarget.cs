using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Common;
using EdgeProxy.Middleware.AccessLog;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeProxy.AccessLog;

/// <summary>
/// The syslog collector at <c>EdgeProxy:Syslog:Address</c>: one datagram per message over UDP, RFC 6587 octet counting
/// over TCP and TLS. A failed connection or send drops that batch (counted), waits with exponential back-off, then
/// reconnects; records arriving meanwhile fill the bounded queue and the overflow is dropped and counted, so requests
/// never wait for the collector.
/// </summary>
internal sealed partial class SyslogTarget : AccessLogTarget, IDisposable
{
    private const int MaxDatagram = 65_000;
    private readonly SyslogOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IServiceProvider _services;
    private readonly int _facility;
    private readonly string _hostName = SyslogFraming.HostName(Environment.MachineName);
    private readonly int _processId = Environment.ProcessId;
    private readonly ArrayBufferWriter<byte> _message = new(4096);
    private readonly string _scheme = "";
    private readonly string _host = "";
    private readonly int _port;
    private Socket? _socket;
    private Stream? _stream;
    private int _failures;
    private ILogger? _logger;

    // The logger is resolved on first use: the logger factory itself depends on this target (SyslogLoggerProvider).
    public SyslogTarget(IOptions<SyslogOptions> options, IOptions<AccessLogOptions> accessLog, TimeProvider timeProvider, IServiceProvider services)
        : base("syslog", accessLog.Value.QueueSize, timeProvider)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _services = services;
        _facility = Math.Max(0, SyslogOptions.FacilityCode(_options.Facility));
        Configured = SyslogOptions.TryParseAddress(_options.Address, out _scheme, out _host, out _port);
    }

    /// <summary>An address is set (and valid): records and warnings may be sent.</summary>
    public bool Configured { get; }

    private ILogger Logger => _logger ??= _services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeProxy.Syslog");

    /// <summary>One of the proxy's own log events (rare: Warning and above); formatted here, on the logging thread.</summary>
    public void Enqueue(SyslogLogEntry entry)
    {
        var body = new ArrayBufferWriter<byte>(512);
        entry.WriteJson(body);
        Enqueue(new AccessLogMessage(body.WrittenSpan, entry.Time, entry.Severity, "log"));
    }

    protected override void Append(AccessLogMessage message, ArrayBufferWriter<byte> batch)
    {
        _message.ResetWrittenCount();
        SyslogFraming.WriteHeader(_message, _options.Format, SyslogFraming.Priority(_facility, message.Severity), message.Time, _hostName, _options.AppName, _processId, message.MessageId);
        _message.Write(message.Body);
        if (_scheme == "udp")
        {
            // One datagram per message: the batch holds 4-byte lengths, then the messages.
            var length = Math.Min(_message.WrittenCount, MaxDatagram);
            BitConverter.TryWriteBytes(batch.GetSpan(4), length);
            batch.Advance(4);
            batch.Write(_message.WrittenSpan[..length]);
        }
        else
        {
            SyslogFraming.WriteOctetCounted(batch, _message.WrittenSpan);
        }
    }

    protected override async ValueTask<bool> WriteBatchAsync(ArrayBufferWriter<byte> batch, int count, CancellationToken cancellationToken)
    {
        try
        {
            await ConnectAsync(cancellationToken);
            if (_scheme == "udp")
            {
                var data = batch.WrittenMemory;
                while (!data.IsEmpty)
                {
                    var length = BitConverter.ToInt32(data.Span);
                    await _socket!.SendAsync(data.Slice(4, length), SocketFlags.None, cancellationToken);
                    data = data[(4 + length)..];
                }
            }
            else
            {
                await _stream!.WriteAsync(batch.WrittenMemory, cancellationToken);
                await _stream.FlushAsync(cancellationToken);
            }

            _failures = 0;
            return true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            Disconnect();
            _failures++;
            var delay = ExponentialBackoff.Delay(_options.ReconnectDelay, _failures, _options.MaxReconnectDelay);
            if (_failures == 1)
            {
                LogFailed(Logger, _options.Address!, ex.Message, delay);
            }

            await Task.Delay(delay, _timeProvider, cancellationToken);
            return false;
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (_socket is not null)
        {
            return;
        }

        var addresses = await Dns.GetHostAddressesAsync(_host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        Socket? socket = null;
        for (var i = 0; socket is null; i++)
        {
            // Every address the name has, in order (localhost may list ::1 before 127.0.0.1).
            var address = addresses[i];
            var candidate = _scheme == "udp"
                ? new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
                : new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await candidate.ConnectAsync(new IPEndPoint(address, _port), cancellationToken);
                socket = candidate;
            }
            catch (SocketException) when (i + 1 < addresses.Length)
            {
                candidate.Dispose();
            }
            catch
            {
                candidate.Dispose();
                throw;
            }
        }

        try
        {
            if (_scheme != "udp")
            {
                Stream stream = new NetworkStream(socket, ownsSocket: false);
                if (_scheme == "tls")
                {
                    var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                    await tls.AuthenticateAsClientAsync(TlsOptions(), cancellationToken);
                    stream = tls;
                }

                _stream = stream;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        if (_failures > 0)
        {
            LogConnected(Logger, _options.Address!, _failures);
        }
    }

    private SslClientAuthenticationOptions TlsOptions()
    {
        var options = new SslClientAuthenticationOptions { TargetHost = _host };
        if (_options.CaPath is { } caPath)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.ImportFromPemFile(caPath);
            options.CertificateChainPolicy = policy;
        }

        return options;
    }

    private void Disconnect()
    {
        _stream?.Dispose();
        _stream = null;
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose() => Disconnect();

    [LoggerMessage(EventId = EventIds.SyslogConnectFailed, Level = LogLevel.Warning, Message = "Syslog at {Address} failed ({Reason}); records are dropped (edgeproxy_access_log_dropped_total) while retrying, next in {Delay}")]
    private static partial void LogFailed(ILogger logger, string address, string reason, TimeSpan delay);

    [LoggerMessage(EventId = EventIds.SyslogConnected, Level = LogLevel.Information, Message = "Syslog at {Address} reached again after {Failures} failed attempts")]
    private static partial void LogConnected(ILogger logger, string address, int failures);
}
