using System.Runtime.ExceptionServices;
using HdIov.Engine.Discovery;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Discovery;

/// <summary>
/// Reading a host throws nothing, not even exceptions caught inside: attributes that a kernel offers only on some
/// devices (<c>sriov_totalvfs</c>, <c>mdev_supported_types</c>, QAT's <c>qat/state</c>) are missing on most, and an
/// exception per missing file made a Pulumi Diff of one resource slower than its whole budget.
/// </summary>
[Trait("Category", "Discovery")]
public sealed class ObserveExceptionTests
{
    [ThreadStatic]
    private static int _thrown;

    [ThreadStatic]
    private static List<string>? _seen;

    [Theory]
    [InlineData("spr-qat-e810")]
    [InlineData("mtty-lab")]
    [InlineData("spr-e810-x14")]
    public void Observe_ThrowsNoExceptionInside(string profile)
    {
        using var sim = TemporarySimulatedHost.Create(profile);
        var observer = new HostObserver(sim.Host);
        observer.Observe();
        _thrown = 0;
        _seen = [];
        EventHandler<FirstChanceExceptionEventArgs> count = (_, e) =>
        {
            if (_seen is not null)
            {
                _thrown++;
                if (_seen.Count < 5)
                {
                    _seen.Add($"{e.Exception.GetType().Name}: {e.Exception.Message}");
                }
            }
        };
        AppDomain.CurrentDomain.FirstChanceException += count;
        try
        {
            observer.Observe();
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= count;
        }

        var seen = _seen;
        _seen = null;
        Assert.True(_thrown == 0, $"{_thrown} exceptions while observing, first: {string.Join(" | ", seen)}");
    }
}
