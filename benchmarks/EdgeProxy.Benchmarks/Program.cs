using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/EdgeProxy.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
