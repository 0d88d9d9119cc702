using System.Text;
using HdIov.Engine.Discovery;

namespace HdIov.Engine.Tests.Discovery;

public sealed class CpuReaderTests
{
    [Theory]
    [InlineData("processor\t: 0\nphysical id\t: 0\n\nprocessor\t: 1\nphysical id\t: 1\n\nprocessor\t: 2\nphysical id\t: 0\n\nprocessor\t: 3\nphysical id\t: 1\n", 2)]
    [InlineData("processor\t: 0\r\nphysical id\t: 0\r\n\r\nprocessor\t: 1\r\nphysical id\t: 0\r\n", 1)]
    [InlineData("processor : 0\nprocessor : 1\n", 1)]
    [InlineData("  physical id : 3\n\tphysical id\t: 7\npower management:\nphysical idle : 9\n", 2)]
    [InlineData("model name\t: Intel(R) Xeon(R)\n", 0)]
    [InlineData("", 0)]
    public void CountSockets_CountsDistinctPhysicalIds_OrOneForProcessorsAlone(string cpuinfo, int sockets) =>
        Assert.Equal(sockets, CpuReader.CountSockets(Encoding.ASCII.GetBytes(cpuinfo)));
}
