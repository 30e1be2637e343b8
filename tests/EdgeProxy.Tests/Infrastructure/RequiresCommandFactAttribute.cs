namespace EdgeProxy.Tests.Infrastructure;

/// <summary>A fact that is skipped, saying why, when a command it needs is not installed (CI installs it).</summary>
public sealed class RequiresCommandFactAttribute : FactAttribute
{
    public RequiresCommandFactAttribute(string command)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, command)));
        if (!found)
        {
            Skip = $"'{command}' is not installed";
        }
    }
}
