using Microsoft.Extensions.Options;

namespace EdgeProxy.ReverseProxy;

internal sealed class ConfigFileWatcherOptionsValidator : IValidateOptions<ConfigFileWatcherOptions>
{
    public ValidateOptionsResult Validate(string? name, ConfigFileWatcherOptions options) =>
        options.PollInterval > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{ConfigFileWatcherOptions.SectionName}:PollInterval must be positive");
}
