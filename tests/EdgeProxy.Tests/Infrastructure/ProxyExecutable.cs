using System.Diagnostics;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>
/// How tests start the proxy as its own process: <c>dotnet EdgeProxy.dll</c> from the test output, or the native
/// (AOT) executable named by <c>EDGEPROXY_TEST_EXECUTABLE</c> — CI runs the out-of-process tests a second time that way.
/// </summary>
public static class ProxyExecutable
{
    public const string Variable = "EDGEPROXY_TEST_EXECUTABLE";

    public static ProcessStartInfo StartInfo(string workingDirectory)
    {
        var native = Environment.GetEnvironmentVariable(Variable);
        var start = new ProcessStartInfo(string.IsNullOrEmpty(native) ? "dotnet" : native)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        if (string.IsNullOrEmpty(native))
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EdgeProxy.dll"));
        }

        return start;
    }
}
