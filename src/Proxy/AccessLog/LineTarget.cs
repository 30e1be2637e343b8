using System.Buffers;

namespace EdgeProxy.AccessLog;

/// <summary>A target that takes one formatted record per line (console, file); syslog frames its messages itself.</summary>
internal abstract class LineTarget(string name, int capacity, TimeProvider clock) : AccessLogTarget(name, capacity, clock)
{
    protected sealed override void Append(AccessLogMessage message, ArrayBufferWriter<byte> batch)
    {
        batch.Write(message.Body);
        batch.Write("\n"u8);
    }
}
