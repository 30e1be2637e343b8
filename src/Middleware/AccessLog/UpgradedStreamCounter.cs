using Microsoft.AspNetCore.Http.Features;

namespace EdgeProxy.Middleware.AccessLog;

/// <summary>
/// Byte counts for an upgraded request (WebSocket over HTTP/1.1 Upgrade or HTTP/2 extended CONNECT): its bytes travel
/// on the stream the server hands over, not through the request and response bodies, so the upgrade feature is
/// wrapped and that stream counted. Installed only on requests that can upgrade.
/// </summary>
internal sealed class UpgradedStreamCounter
{
    private CountingDuplexStream? _stream;

    public long BytesIn => _stream?.BytesIn ?? 0;

    public long BytesOut => _stream?.BytesOut ?? 0;

    public static UpgradedStreamCounter? Install(IFeatureCollection features)
    {
        if (features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
        {
            var counter = new UpgradedStreamCounter();
            features.Set<IHttpUpgradeFeature>(new CountingUpgradeFeature(upgrade, counter));
            return counter;
        }

        if (features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            var counter = new UpgradedStreamCounter();
            features.Set<IHttpExtendedConnectFeature>(new CountingExtendedConnectFeature(connect, counter));
            return counter;
        }

        return null;
    }

    private Stream Track(Stream upgraded) => _stream = new CountingDuplexStream(upgraded);

    private sealed class CountingUpgradeFeature(IHttpUpgradeFeature inner, UpgradedStreamCounter counter) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync() => counter.Track(await inner.UpgradeAsync());
    }

    private sealed class CountingExtendedConnectFeature(IHttpExtendedConnectFeature inner, UpgradedStreamCounter counter) : IHttpExtendedConnectFeature
    {
        public bool IsExtendedConnect => inner.IsExtendedConnect;

        public string? Protocol => inner.Protocol;

        public async ValueTask<Stream> AcceptAsync() => counter.Track(await inner.AcceptAsync());
    }

    /// <summary>Both directions of the upgraded stream, counted as they pass (each direction is one copy loop, so no locks).</summary>
    private sealed class CountingDuplexStream(Stream inner) : Stream
    {
        public long BytesIn { get; private set; }

        public long BytesOut { get; private set; }

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            BytesIn += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            BytesIn += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            BytesOut += buffer.Length;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            BytesOut += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
