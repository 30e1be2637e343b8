using Microsoft.Extensions.Options;

namespace EdgeProxy.Connections;

internal sealed class ConnectionsOptionsValidator : IValidateOptions<ConnectionsOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectionsOptions options)
    {
        var failures = new List<string>();
        if (options.MaxPerUntrustedPeer is < 0)
        {
            failures.Add($"{ConnectionsOptions.SectionName}:MaxPerUntrustedPeer: {options.MaxPerUntrustedPeer} must be 0 (no limit) or more");
        }

        if (options.ReclaimAboveMemory is <= 0)
        {
            failures.Add($"{ConnectionsOptions.SectionName}:ReclaimAboveMemory: {options.ReclaimAboveMemory} must be a positive number of bytes (leave it unset for off)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
