using Discovery.Language;
using Discovery.Model;

namespace Discovery.Tests.Language;

/// <summary>A VM's expected CPU demand as a percentage of its vCPUs: read, written back, and printed only when it says something.</summary>
public sealed class CpuPercentTests
{
    public static TheoryData<string, int, int> Readable() => new()
    {
        { "50%", 2, 100 }, { "0%", 2, 0 }, { "100%", 2, 200 }, { "25%", 4, 100 }, { "12.5%", 1, 13 }, { "12.49%", 1, 12 },
        { "33.33%", 3, 100 }, { "100.00%", 1, 100 }, { "7%", 0, 0 },
    };

    [Theory, MemberData(nameof(Readable))]
    public void A_percentage_is_vcpus_times_percent_hundredths_to_the_nearest(string text, int vcpus, int demand)
    {
        Assert.True(CpuPercent.TryDemand(text, vcpus, out var read));
        Assert.Equal(demand, read);
    }

    [Theory]
    [InlineData("150%")]
    [InlineData("100.5%")]
    [InlineData("50")]
    [InlineData("-1%")]
    [InlineData("+5%")]
    [InlineData(" 50%")]
    [InlineData("50 %")]
    [InlineData("5e1%")]
    [InlineData(".5%")]
    [InlineData("5.%")]
    [InlineData("%")]
    [InlineData("")]
    public void Anything_but_a_percentage_from_0_to_100_is_refused(string text)
    {
        Assert.False(CpuPercent.TryDemand(text, 2, out var demand));
        Assert.Equal(0, demand);
    }

    [Theory]
    [InlineData(2, 100, "50%")]
    [InlineData(2, 0, "0%")]
    [InlineData(2, 200, "100%")]
    [InlineData(3, 100, "33.3%")]
    [InlineData(3, 200, "66.7%")]
    [InlineData(1, 13, "13%")]
    [InlineData(8, 1, "0.1%")]
    [InlineData(400, 1, "0.003%")]
    public void A_demand_is_written_as_the_shortest_percentage_that_reads_back_the_same(int vcpus, int demand, string text)
    {
        Assert.Equal(text, CpuPercent.Format(vcpus, demand));
        Assert.True(CpuPercent.TryDemand(text, vcpus, out var read));
        Assert.Equal(demand, read);
    }

    [Fact]
    public void Every_demand_of_every_vm_up_to_64_vcpus_and_of_some_huge_ones_reads_back_the_same()
    {
        var sizes = Enumerable.Range(1, 64).Select(v => (VCpus: v, Demands: Enumerable.Range(0, v * 100 + 1)))
            .Concat([.. new[] { 999, 12_345, 1_000_000 }.Select(v => (VCpus: v, Demands: new[] { 0, 1, 7, v * 37 + 1, v * 100 - 1, v * 100 }.AsEnumerable()))]);
        foreach (var (vcpus, demands) in sizes)
            foreach (var demand in demands)
            {
                var text = CpuPercent.Format(vcpus, demand);
                Assert.True(CpuPercent.TryDemand(text, vcpus, out var read), $"{vcpus} vCPUs, {demand}: '{text}' does not read");
                Assert.Equal((vcpus, demand), (vcpus, read));
            }
    }

    [Fact]
    public void The_printer_writes_cpu_only_when_the_vm_does_not_use_all_its_vcpus()
    {
        var text = VePrinter.Print(new VeSpec("ve", [new VmSpec("half", 2, 1024, "img", 100), new VmSpec("full", 2, 1024, "img", 200),
            new VmSpec("third", 3, 1024, "img", 100), new VmSpec("idle", 1, 512, "img", 0)], []));

        Assert.Equal("""
            // VE ve
            half : {vcpus: 2, memory: 1024MiB, cpu: 50%, image: "img"};
            full : {vcpus: 2, memory: 1024MiB, image: "img"};
            third : {vcpus: 3, memory: 1024MiB, cpu: 33.3%, image: "img"};
            idle : {vcpus: 1, memory: 512MiB, cpu: 0%, image: "img"};

            """.ReplaceLineEndings("\n"), text);
        Assert.Equal([100, 200, 100, 0], VeCompiler.Compile(text, "printed.ve", "ve").Ve!.Vms.Select(v => v.CpuDemand));
    }
}
