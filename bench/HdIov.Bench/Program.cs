using BenchmarkDotNet.Running;

namespace HdIov.Bench;

/// <summary>Runs the benchmarks chosen on the command line (<c>--filter</c>, <c>--list</c>); see bench/README.md.</summary>
public static class Program
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
