using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Options;

namespace EdgeProxy.AccessControl;

/// <summary>Checks one access policy; <c>name</c> is the policy's name, every message names its key.</summary>
internal sealed class AccessPolicyOptionsValidator : IValidateOptions<AccessPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessPolicyOptions options)
    {
        var key = $"{AccessPolicyOptions.SectionName}:{name}";
        var errors = new List<string>();
        CheckCidrs(options.AllowFrom, $"{key}:AllowFrom", errors);
        CheckCidrs(options.DenyFrom, $"{key}:DenyFrom", errors);
        if (!Enum.IsDefined(options.Satisfy))
        {
            errors.Add($"{key}:Satisfy must be All or Any");
        }

        if (options.BasicAuth is { } basic)
        {
            if (string.IsNullOrWhiteSpace(basic.HtpasswdFile))
            {
                errors.Add($"{key}:BasicAuth:HtpasswdFile is required when BasicAuth is set");
            }

            if (string.IsNullOrEmpty(basic.Realm) || basic.Realm.Any(c => c == '"' || c == '\\' || char.IsControl(c)))
            {
                errors.Add($"{key}:BasicAuth:Realm must be non-empty, without quotes, backslashes or control characters");
            }

            if (basic.MaxFailuresPerMinute < 0)
            {
                errors.Add($"{key}:BasicAuth:MaxFailuresPerMinute must not be negative (0 turns the brute-force guard off)");
            }
        }
        else if (options.Satisfy == AccessSatisfy.Any)
        {
            errors.Add($"{key}:Satisfy: Any needs BasicAuth (with AllowFrom alone, Any and All are the same; say All)");
        }

        if (options.BasicAuth is null && options.AllowFrom.Count == 0 && options.DenyFrom.Count == 0)
        {
            errors.Add($"{key}: the policy lets everyone in; set AllowFrom, DenyFrom or BasicAuth");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckCidrs(List<string> cidrs, string key, List<string> errors)
    {
        for (var i = 0; i < cidrs.Count; i++)
        {
            if (!CidrParser.TryParse(cidrs[i], expectedFamily: null, out _, out var error))
            {
                errors.Add($"{key}:{i}: {error}");
            }
        }
    }

    /// <summary>The parsed networks of a validated list.</summary>
    public static TrustedNetworkSet ToSet(List<string> cidrs, string source) =>
        new(cidrs.Select(c => CidrParser.TryParse(c, null, out var n, out _) ? new TrustedNetwork(n, source) : throw new ArgumentException(c)));
}
