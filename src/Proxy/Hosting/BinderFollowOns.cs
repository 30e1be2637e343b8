using System.Text.RegularExpressions;

namespace EdgeProxy.Hosting;

/// <summary>
/// The configuration binder's "Failed to convert configuration value 'X' at 'KEY' to type 'T'" says less than the strict
/// check's message for the same key (which lists the allowed values): when both are there, only the latter is reported.
/// </summary>
internal static partial class BinderFollowOns
{
    public static List<string> Remove(IEnumerable<string> errors)
    {
        var list = errors.Distinct().ToList();
        return [.. list.Where(error => !(ConvertFailure().Match(error) is { Success: true } match &&
                                         list.Any(other => other != error && other.Contains($": {match.Groups["key"].Value}: ", StringComparison.OrdinalIgnoreCase))))];
    }

    [GeneratedRegex("Failed to convert configuration value '.*' at '(?<key>[^']+)'")]
    private static partial Regex ConvertFailure();
}
