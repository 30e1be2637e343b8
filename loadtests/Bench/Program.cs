using EdgeProxy.Bench;

// The comparison bench: EdgeProxy against nginx and HAProxy as TLS proxies on this machine, same certificate, same
// backend. Usage (from the repository root): dotnet run -c Release --project loadtests/Bench [-- --rounds 3 --seconds 10 --warmup 60 --handshake-rounds 3 --env NAME=VALUE]
// (--only handshakes: the connection loads alone)
var settings = BenchSettings.Parse(args);
return await new ComparisonBench(settings).RunAsync();
