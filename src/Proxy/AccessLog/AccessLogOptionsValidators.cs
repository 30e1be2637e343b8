using Microsoft.Extensions.Options;

namespace EdgeProxy.AccessLog;

internal sealed class AccessLogOptionsValidator(IOptions<SyslogOptions> syslog) : IValidateOptions<AccessLogOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessLogOptions options)
    {
        var errors = new List<string>();
        const string key = AccessLogOptions.SectionName;
        if (!Enum.IsDefined(options.Format))
        {
            errors.Add($"{key}:Format must be Json or Combined");
        }

        if (options.QueueSize is < 1 or > 10_000_000)
        {
            errors.Add($"{key}:QueueSize must be between 1 and 10000000 (was {options.QueueSize})");
        }

        if (options.File is { } file && (file.Length == 0 || file.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0))
        {
            errors.Add($"{key}:File must be a file path, or null for no file (was \"{file}\")");
        }

        if (options.Enabled && options.Syslog && string.IsNullOrEmpty(syslog.Value.Address))
        {
            errors.Add($"{key}:Syslog is true but {SyslogOptions.SectionName}:Address is not set (udp://host:port, tcp://host:port or tls://host:port)");
        }

        if (string.IsNullOrWhiteSpace(options.RayIdHeader))
        {
            errors.Add($"{key}:RayIdHeader must name a header");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class SyslogOptionsValidator : IValidateOptions<SyslogOptions>
{
    public ValidateOptionsResult Validate(string? name, SyslogOptions options)
    {
        var errors = new List<string>();
        const string key = SyslogOptions.SectionName;
        if (options.Address is not null && !SyslogOptions.TryParseAddress(options.Address, out _, out _, out _))
        {
            errors.Add($"{key}:Address must be udp://host:port, tcp://host:port or tls://host:port (was \"{options.Address}\")");
        }

        if (SyslogOptions.FacilityCode(options.Facility) < 0)
        {
            errors.Add($"{key}:Facility must be a syslog facility name (kern, user, daemon, auth, local0 … local7) or a number 0–23 (was \"{options.Facility}\")");
        }

        // RFC 5424 APP-NAME: 1–48 printable US-ASCII characters, no space.
        if (string.IsNullOrEmpty(options.AppName) || options.AppName.Length > 48 || options.AppName.Any(c => c is <= ' ' or > '~'))
        {
            errors.Add($"{key}:AppName must be 1 to 48 printable ASCII characters without spaces (was \"{options.AppName}\")");
        }

        if (!Enum.IsDefined(options.Format))
        {
            errors.Add($"{key}:Format must be Rfc5424 or Rfc3164");
        }

        if (options.CaPath is { } caPath && !File.Exists(caPath))
        {
            errors.Add($"{key}:CaPath: no file at {caPath}");
        }

        if (options.ReconnectDelay <= TimeSpan.Zero || options.MaxReconnectDelay < options.ReconnectDelay)
        {
            errors.Add($"{key}:ReconnectDelay must be positive and not above MaxReconnectDelay");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
