using Microsoft.Extensions.Options;

namespace EdgeProxy.Connections;

internal sealed class ConnectionsOptionsValidator : IValidateOptions<ConnectionsOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectionsOptions options) => options.MaxPerUntrustedPeer is null or >= 0
        ? ValidateOptionsResult.Success
        : ValidateOptionsResult.Fail($"{ConnectionsOptions.SectionName}:MaxPerUntrustedPeer: {options.MaxPerUntrustedPeer} must be 0 (no limit) or more");
}
