namespace EdgeProxy.AccessLog;

/// <summary>
/// One formatted item on its way to a target: an access record or one of the proxy's own log events, with what a
/// syslog header needs (time, severity, MSGID). Only lives for the call that copies it into a target's pending batch.
/// </summary>
internal readonly ref struct AccessLogMessage(ReadOnlySpan<byte> body, DateTimeOffset time, int severity, string messageId)
{
    /// <summary>The record's line (JSON or combined) or the log event's JSON, without a line end.</summary>
    public ReadOnlySpan<byte> Body { get; } = body;

    public DateTimeOffset Time { get; } = time;

    /// <summary>RFC 5424 severity (<see cref="SyslogFraming.Informational"/> for access records).</summary>
    public int Severity { get; } = severity;

    /// <summary><c>access</c> or <c>log</c>.</summary>
    public string MessageId { get; } = messageId;
}
