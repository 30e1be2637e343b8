using System.Buffers;

namespace EdgeProxy.Tls;

/// <summary>
/// Reads a ClientHello as its bytes arrive (<see cref="TlsClientHello.TryRead"/>'s rules), taking each complete record
/// once: a client sending its hello a byte at a time must not make every byte cost a fresh copy and parse of all the
/// bytes before it (up to <see cref="TlsClientHello.MaxBytes"/> each, gigabytes per connection).
/// </summary>
internal sealed class TlsClientHelloReader
{
    private byte[] _handshake = [];
    private int _handshakeLength;
    private long _at; // where the next record starts: the ones before it are in _handshake

    /// <param name="buffer">Everything received so far, from the connection's first byte.</param>
    public bool TryRead(ReadOnlySequence<byte> buffer, out TlsClientHello hello)
    {
        hello = TlsClientHello.Empty;
        var available = Math.Min(buffer.Length, TlsClientHello.MaxBytes);
        Span<byte> header = stackalloc byte[5];
        while (_at + 5 <= available)
        {
            buffer.Slice(_at, 5).CopyTo(header);
            var length = (header[3] << 8) | header[4];
            if (header[0] != 22 || length > TlsClientHello.MaxRecordLength)
            {
                hello = Parsed();
                return true;
            }

            if (_at + 5 + length > available)
            {
                break;
            }

            if (_handshake.Length < _handshakeLength + length)
            {
                Array.Resize(ref _handshake, Math.Max(_handshakeLength + length, 2 * _handshake.Length));
            }

            buffer.Slice(_at + 5, length).CopyTo(_handshake.AsSpan(_handshakeLength));
            _handshakeLength += length;
            _at += 5 + length;
            if (_handshakeLength >= 4 && _handshakeLength >= 4 + ((_handshake[1] << 16) | (_handshake[2] << 8) | _handshake[3]))
            {
                hello = Parsed();
                return true;
            }
        }

        if (available > 0 && FirstByte(buffer, header) != 22 || buffer.Length >= TlsClientHello.MaxBytes)
        {
            hello = Parsed();
            return true;
        }

        return false;
    }

    private static byte FirstByte(ReadOnlySequence<byte> buffer, Span<byte> scratch)
    {
        buffer.Slice(0, 1).CopyTo(scratch);
        return scratch[0];
    }

    private TlsClientHello Parsed() => TlsClientHello.Parse(_handshake.AsSpan(0, _handshakeLength));
}
