using Microsoft.Extensions.Options;

namespace EdgeProxy.AccessControl;

/// <summary>Checks <c>EdgeProxy:AccessControl</c>; every message names its key.</summary>
internal sealed class AccessControlOptionsValidator : IValidateOptions<AccessControlOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessControlOptions options)
    {
        var errors = new List<string>();
        if (options.IPv6Prefix is < 1 or > 128)
        {
            errors.Add($"{AccessControlOptions.SectionName}:IPv6Prefix: {options.IPv6Prefix} must be between 1 and 128 (64 counts an IPv6 client by its /64)");
        }

        if (options.IPv4Prefix is < 1 or > 32)
        {
            errors.Add($"{AccessControlOptions.SectionName}:IPv4Prefix: {options.IPv4Prefix} must be between 1 and 32 (32 counts an IPv4 client by its address)");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
