// Command go-template-oracle prints what Go's text/template with ESO's function set (Sprig's
// TxtFuncMap without env/expandenv, plus toYaml/fromYaml over sigs.k8s.io/yaml) renders, so the
// engine's tests can state Go's answer. Input on stdin, JSON:
//
//	{"name": "tls.crt", "data": {"ks": "3082ff0080c3"}, "templates": ["{{ .ks | b64enc }}"]}
//
// data values are hex (any bytes); each output line is the template, a tab, and the output bytes in
// hex or "ERR <message>". Usage: cd tools/go-template-oracle && go run . < cases.json
package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
)

type input struct {
	Name      string            `json:"name"`
	Data      map[string]string `json:"data"`
	Templates []string          `json:"templates"`
}

func funcs() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["toYaml"] = func(v any) string {
		b, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(b), "\n")
	}
	f["fromYaml"] = func(s string) map[string]any {
		m := map[string]any{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	return f
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	data := map[string]string{}
	for k, v := range in.Data {
		b, err := hex.DecodeString(v)
		if err != nil {
			fmt.Fprintln(os.Stderr, k, err)
			os.Exit(2)
		}
		data[k] = string(b)
	}
	for _, t := range in.Templates {
		out, err := render(in.Name, t, data)
		if err != nil {
			fmt.Printf("%s\tERR %v\n", t, err)
			continue
		}
		fmt.Printf("%s\t%s\n", t, hex.EncodeToString(out))
	}
}

// render parses and executes like ESO's runtime/template/v2: the key as the name, missingkey=error.
func render(name, text string, data map[string]string) ([]byte, error) {
	t, err := template.New(name).Option("missingkey=error").Funcs(funcs()).Parse(text)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
