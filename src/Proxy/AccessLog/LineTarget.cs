using System.Buffers;
using EdgeProxy.Middleware.AccessLog;

namespace EdgeProxy.AccessLog;

/// <summary>A target that takes one formatted record per line (console, file); syslog frames its messages itself.</summary>
internal abstract class LineTarget(string name, AccessLogFormat format, int capacity, TimeProvider clock) : AccessLogTarget(name, capacity, clock)
{
    private readonly RecordFormatter _formatter = new(format);

    protected sealed override void Append(object item, ArrayBufferWriter<byte> batch)
    {
        if (item is AccessLogRecord record)
        {
            _formatter.Write(record, batch);
            batch.Write("\n"u8);
        }
    }
}
