using Pmap.Conformance;
using Pmap.Core.Arch;

namespace Pmap.Arch.Sample.Tests;

/// <summary>Every conformance check of Pmap, run against this port.</summary>
public class SampleConformance : ArchitectureConformanceTests
{
    protected override IArchitecture Architecture { get; } = new SampleArchitecture();
}
