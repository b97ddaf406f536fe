using Pmap.Conformance;
using Pmap.Port;

namespace Pmap.Arch.Template.Tests;

/// <summary>Every conformance check of Pmap, run against this port.</summary>
public class ArchTemplateConformance : ArchitectureConformanceTests
{
    protected override IArchitecture Architecture { get; } = new ArchTemplateArchitecture();
}
