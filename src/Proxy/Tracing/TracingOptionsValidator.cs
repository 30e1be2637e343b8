using System.Globalization;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tracing;

internal sealed class TracingOptionsValidator : IValidateOptions<TracingOptions>
{
    private const string Section = TracingOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, TracingOptions options)
    {
        var errors = new List<string>();
        if (double.IsNaN(options.SampleRatio) || options.SampleRatio is < 0 or > 1)
        {
            errors.Add($"{Section}:SampleRatio {options.SampleRatio.ToString(CultureInfo.InvariantCulture)} must be between 0 and 1");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            errors.Add($"{Section}:ServiceName must not be empty");
        }

        if (options.OtlpEndpoint is { } endpoint &&
            (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            errors.Add($"{Section}:OtlpEndpoint '{endpoint}' must be an absolute http:// or https:// URL without query (the collector's base URL, e.g. http://collector:4318)");
        }
        else if (options.OtlpEndpoint is { } withCredentials && new Uri(withCredentials).UserInfo.Length > 0)
        {
            // Not echoed: it holds a secret, and the address is logged (credentials belong in Headers, never logged).
            errors.Add($"{Section}:OtlpEndpoint must not hold user:password@; put the collector's credentials in {Section}:Headers");
        }
        else if (options.Enabled && string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            errors.Add($"{Section}:Enabled is true but {Section}:OtlpEndpoint is not set (the collector's base URL, e.g. http://collector:4318)");
        }

        foreach (var (header, value) in options.Headers)
        {
            // OTLP carries them as "name=value,name=value" (values percent-encoded): a name must be a plain HTTP token.
            if (header.Length == 0 || header.Any(c => c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".Contains(c)))
            {
                errors.Add($"{Section}:Headers: '{header}' is not a valid HTTP header name");
            }
            else if (value.Any(c => c < ' ' && c != '\t' || c == 127))
            {
                errors.Add($"{Section}:Headers:{header}: the value holds a control character");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
