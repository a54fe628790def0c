// terraform-provider-gofloor: the floor of a Go provider, for benchmarks. The same resource as
// terraform-provider-noop (noop_thing: a `value` kept as configured, and a computed `id`) served
// the way Go providers are: HashiCorp's go-plugin (handshake, AutoMTLS, health, controller, stdio)
// and grpc-go, over this project's proto/tfplugin6.proto, with go-cty for the values.
//
// Built by scripts/build-go-floor.sh for `make bench`; never part of the provider.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"cnibench/tfplugin6"

	plugin "github.com/hashicorp/go-plugin"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"github.com/zclconf/go-cty/cty/msgpack"
	"google.golang.org/grpc"
)

// thing is the type of a noop_thing.
var thing = cty.Object(map[string]cty.Type{"id": cty.String, "value": cty.String})

type provider struct {
	tfplugin6.UnimplementedProviderServer
}

func (provider) GetMetadata(context.Context, *tfplugin6.GetMetadata_Request) (*tfplugin6.GetMetadata_Response, error) {
	return &tfplugin6.GetMetadata_Response{
		ServerCapabilities: &tfplugin6.ServerCapabilities{PlanDestroy: true, GetProviderSchemaOptional: true},
		Resources:          []*tfplugin6.GetMetadata_ResourceMetadata{{TypeName: "noop_thing"}},
	}, nil
}

func (provider) GetProviderSchema(context.Context, *tfplugin6.GetProviderSchema_Request) (*tfplugin6.GetProviderSchema_Response, error) {
	str, _ := cty.String.MarshalJSON()
	return &tfplugin6.GetProviderSchema_Response{
		Provider: &tfplugin6.Schema{Block: &tfplugin6.Schema_Block{}},
		ResourceSchemas: map[string]*tfplugin6.Schema{
			"noop_thing": {Block: &tfplugin6.Schema_Block{Attributes: []*tfplugin6.Schema_Attribute{
				{Name: "id", Type: str, Computed: true},
				{Name: "value", Type: str, Optional: true},
			}}},
		},
		DataSourceSchemas:  map[string]*tfplugin6.Schema{},
		ServerCapabilities: &tfplugin6.ServerCapabilities{PlanDestroy: true, GetProviderSchemaOptional: true},
	}, nil
}

func (provider) ValidateProviderConfig(context.Context, *tfplugin6.ValidateProviderConfig_Request) (*tfplugin6.ValidateProviderConfig_Response, error) {
	return &tfplugin6.ValidateProviderConfig_Response{}, nil
}

func (provider) ValidateResourceConfig(context.Context, *tfplugin6.ValidateResourceConfig_Request) (*tfplugin6.ValidateResourceConfig_Response, error) {
	return &tfplugin6.ValidateResourceConfig_Response{}, nil
}

func (provider) ConfigureProvider(context.Context, *tfplugin6.ConfigureProvider_Request) (*tfplugin6.ConfigureProvider_Response, error) {
	return &tfplugin6.ConfigureProvider_Response{}, nil
}

func (provider) UpgradeResourceState(_ context.Context, req *tfplugin6.UpgradeResourceState_Request) (*tfplugin6.UpgradeResourceState_Response, error) {
	state, err := ctyjson.Unmarshal(req.RawState.Json, thing)
	if err != nil {
		return nil, err
	}
	return &tfplugin6.UpgradeResourceState_Response{UpgradedState: encode(state)}, nil
}

func (provider) ReadResource(_ context.Context, req *tfplugin6.ReadResource_Request) (*tfplugin6.ReadResource_Response, error) {
	return &tfplugin6.ReadResource_Response{NewState: req.CurrentState, Private: req.Private}, nil
}

func (provider) PlanResourceChange(_ context.Context, req *tfplugin6.PlanResourceChange_Request) (*tfplugin6.PlanResourceChange_Response, error) {
	proposed, err := decode(req.ProposedNewState)
	if err != nil {
		return nil, err
	}
	prior, err := decode(req.PriorState)
	if err != nil {
		return nil, err
	}
	if proposed.IsNull() || !prior.IsNull() {
		return &tfplugin6.PlanResourceChange_Response{PlannedState: req.ProposedNewState}, nil
	}
	planned := cty.ObjectVal(map[string]cty.Value{
		"id":    cty.UnknownVal(cty.String),
		"value": proposed.GetAttr("value"),
	})
	return &tfplugin6.PlanResourceChange_Response{PlannedState: encode(planned)}, nil
}

func (provider) ApplyResourceChange(_ context.Context, req *tfplugin6.ApplyResourceChange_Request) (*tfplugin6.ApplyResourceChange_Response, error) {
	planned, err := decode(req.PlannedState)
	if err != nil {
		return nil, err
	}
	if planned.IsNull() || planned.GetAttr("id").IsKnown() {
		return &tfplugin6.ApplyResourceChange_Response{NewState: req.PlannedState}, nil
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	created := cty.ObjectVal(map[string]cty.Value{
		"id":    cty.StringVal(hex.EncodeToString(id)),
		"value": planned.GetAttr("value"),
	})
	return &tfplugin6.ApplyResourceChange_Response{NewState: encode(created)}, nil
}

func (provider) StopProvider(context.Context, *tfplugin6.StopProvider_Request) (*tfplugin6.StopProvider_Response, error) {
	return &tfplugin6.StopProvider_Response{}, nil
}

func decode(v *tfplugin6.DynamicValue) (cty.Value, error) {
	if v == nil || len(v.Msgpack) == 0 {
		return cty.NullVal(thing), nil
	}
	return msgpack.Unmarshal(v.Msgpack, thing)
}

func encode(v cty.Value) *tfplugin6.DynamicValue {
	bytes, err := msgpack.Marshal(v, thing)
	if err != nil {
		panic(err)
	}
	return &tfplugin6.DynamicValue{Msgpack: bytes}
}

// grpcProvider is the go-plugin plugin that registers the provider's gRPC service.
type grpcProvider struct {
	plugin.NetRPCUnsupportedPlugin
}

func (grpcProvider) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	tfplugin6.RegisterProviderServer(s, provider{})
	return nil
}

func (grpcProvider) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (interface{}, error) {
	return nil, nil
}

func main() {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  6,
			MagicCookieKey:   "TF_PLUGIN_MAGIC_COOKIE",
			MagicCookieValue: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		},
		Plugins:    plugin.PluginSet{"provider": &grpcProvider{}},
		GRPCServer: plugin.DefaultGRPCServer,
	})
}
