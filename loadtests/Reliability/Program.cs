using EdgeProxy.Reliability;

// The reliability suite: each scenario against a freshly started, published EdgeProxy process, loopback only, every
// load loop bounded in time and count. Usage (from the repository root):
//   dotnet run -c Release --project loadtests/Reliability [-- --only NAME --soak-seconds 600]
// The same executable is the test backend when started with --backend PORT.
if (args is ["--backend", var port])
{
    await Backend.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

return await Suite.RunAsync(args);
