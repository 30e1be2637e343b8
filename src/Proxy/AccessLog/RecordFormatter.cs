using System.Buffers;
using EdgeProxy.Middleware.AccessLog;

namespace EdgeProxy.AccessLog;

/// <summary>
/// Formats records on the calling thread, into a buffer of that thread's own: the bytes are copied into each target's
/// batch before the call returns, so one buffer per thread serves every request it runs.
/// </summary>
internal static class RecordFormatter
{
    [ThreadStatic]
    private static AccessLogJsonFormatter? t_json;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>The record's line without its line end; valid until this thread formats again.</summary>
    public static ReadOnlySpan<byte> Format(AccessLogRecord record, AccessLogFormat format)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        if (format == AccessLogFormat.Combined)
        {
            AccessLogCombinedFormatter.Write(record, buffer);
        }
        else
        {
            (t_json ??= new AccessLogJsonFormatter()).Write(record, buffer);
        }

        return buffer.WrittenSpan;
    }
}
