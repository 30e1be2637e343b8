using BenchmarkDotNet.Running;
using EdgeProxy.Benchmarks;

// dotnet run -c Release --project benchmarks/EdgeProxy.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(TrustedNetworkSetBenchmarks).Assembly).Run(args);
