// The floor: a process that only loads the three Pulumi packages the program declares with. No render
// can be faster than this, so the render's figures are read as multiples of it.
import "@pulumi/pulumi";
import "@pulumi/pagerduty";
import "@pulumi/kubernetes";
