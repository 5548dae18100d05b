import { resolveTemplate } from "../../lib/cloudformation/resolve";
import { resourceIdentities } from "../../lib/resources/registry";
import { TemplateError, parseTemplate } from "../../lib/cloudformation/template";
import { ConditionalValue, UnknownValue } from "../../lib/cloudformation/unknown";

/*
 * Template reading and intrinsic resolution. Short forms and their long forms follow the CloudFormation User
 * Guide, "Intrinsic function reference" (Ref, Fn::GetAtt, Fn::Sub, Fn::If, Fn::Join, Fn::Select, Fn::FindInMap,
 * condition functions) and "Pseudo parameters reference" (AWS::Region, AWS::AccountId, AWS::Partition,
 * AWS::NoValue); dynamic references follow "Get values stored in other services using dynamic references".
 */

const YAML = `AWSTemplateFormatVersion: 2010-09-09
Parameters:
  Env:
    Type: String
    Default: prod
  KeyArn:
    Type: String
  Mode:
    Type: String
    AllowedValues: [on, off]
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  InUsEast: !Equals [!Ref "AWS::Region", us-east-1]
Mappings:
  Sizes:
    prod: { Memory: 1024 }
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "\${Env}-jobs"
      KmsMasterKeyId: !Ref KeyArn
      DelaySeconds: !FindInMap [Sizes, !Ref Env, Memory]
      Mode: !Ref Mode
      Arn: !GetAtt Dlq.Arn
      Account: !Sub "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root"
      Versioning: !If [InUsEast, Enabled, !Ref "AWS::NoValue"]
      Kept: !If [IsProd, yes, no]
      Secret: "{{resolve:ssm:/app/secret}}"
      Joined: !Join ["", ["https://", !Ref KeyArn, "/x"]]
  Dlq:
    Type: AWS::SQS::Queue
    Condition: IsProd
`;

describe("parseTemplate", () => {
  test("YAML short forms become the long form, and every value has a line and column", () => {
    const t = parseTemplate("t.yaml", YAML);
    expect(t.format).toBe("yaml");
    const props = (t.template.Resources as Record<string, { Properties: Record<string, unknown> }>).Queue?.Properties;
    expect(props?.QueueName).toEqual({ "Fn::Sub": "${Env}-jobs" });
    expect(props?.Arn).toEqual({ "Fn::GetAtt": ["Dlq", "Arn"] });
    expect(props?.Versioning).toEqual({ "Fn::If": ["InUsEast", "Enabled", { Ref: "AWS::NoValue" }] });
    // YAML 1.2 core schema: a date-like version stays text, `on`/`yes` stay strings.
    expect(t.template.AWSTemplateFormatVersion).toBe("2010-09-09");
    expect((t.template.Parameters as Record<string, { AllowedValues?: unknown }>).Mode?.AllowedValues).toEqual([
      "on",
      "off",
    ]);
    const line = (needle: string) => YAML.split("\n").findIndex((l) => l.includes(needle)) + 1;
    expect(t.map.locate("/Resources/Queue/Properties/KmsMasterKeyId", { key: true })).toEqual({
      line: line("KmsMasterKeyId"),
      column: 7,
    });
    // A pointer inside a short form lands on the tagged node; a missing property on its nearest ancestor.
    expect(t.map.locate("/Resources/Queue/Properties/KmsMasterKeyId/Ref").line).toBe(line("KmsMasterKeyId"));
    expect(t.map.locate("/Resources/Queue/Properties/Nope", { key: true }).line).toBe(line("    Properties:"));
  });

  test("JSON keeps the exact JSON source map", () => {
    const text =
      '{\n  "Resources": {\n    "B": {\n      "Type": "AWS::S3::Bucket",\n      "Properties": { "BucketName": "x" }\n    }\n  }\n}\n';
    const t = parseTemplate("t.json", text);
    expect(t.format).toBe("json");
    expect(t.map.locate("/Resources/B/Properties/BucketName", { key: true })).toEqual({ line: 5, column: 23 });
  });

  test("YAML aliases read as the anchored value", () => {
    const t = parseTemplate(
      "a.yaml",
      "Common: &tags [{ Key: team, Value: payments }]\nResources:\n  B:\n    Tags: *tags\n",
    );
    expect((t.template.Resources as { B: { Tags: unknown } }).B.Tags).toEqual([{ Key: "team", Value: "payments" }]);
  });

  test("syntax errors and unknown tags name the file, line and column", () => {
    expect(() => parseTemplate("bad.json", '{\n  "Resources": {,\n}')).toThrow(/^bad\.json:2:\d+: JSON syntax error/);
    expect(() => parseTemplate("bad.yaml", "Resources:\n  A: [\n")).toThrow(TemplateError);
    expect(() => parseTemplate("tag.yaml", "Resources:\n  A:\n    Type: !Nope x\n")).toThrow(
      /^tag\.yaml:3:\d+: unknown YAML tag !Nope/,
    );
  });
});

describe("resolveTemplate", () => {
  const resolved = resolveTemplate(parseTemplate("t.yaml", YAML), {}, resourceIdentities());
  const props = () =>
    (resolved.resources.find((r) => r.logicalId === "Queue") as { properties: Record<string, unknown> }).properties;

  test("parameter defaults, mappings and decided conditions resolve; the rest stays unknown, never guessed", () => {
    const p = props();
    expect(p.QueueName).toBe("prod-jobs");
    expect(p.DelaySeconds).toBe(1024);
    expect(p.Kept).toBe("yes");
    const key = p.KmsMasterKeyId as UnknownValue;
    expect(key).toBeInstanceOf(UnknownValue);
    expect(key.reason).toMatch(/parameter KeyArn \(no default/);
    expect(key.templatePointer).toBe("/Resources/Queue/Properties/KmsMasterKeyId/Ref");
    // AllowedValues make a finite unknown.
    expect((p.Mode as UnknownValue).values).toEqual(["on", "off"]);
    // GetAtt of an SQS queue in the template: an ARN whose service is known.
    expect((p.Arn as UnknownValue).shape).toEqual([
      "arn:",
      expect.objectContaining({ oneOf: expect.arrayContaining(["aws", "aws-cn"]) }),
      ":sqs:",
      { any: true, nonEmpty: true },
    ]);
    expect((p.Account as UnknownValue).shape?.[0]).toBe("arn:");
    expect((p.Secret as UnknownValue).reason).toMatch(/dynamic reference/);
    expect((p.Joined as UnknownValue).shape).toEqual(["https://", { any: true, nonEmpty: false }, "/x"]);
    // AWS::Region is known only at deploy: both branches kept, the false one removing the property.
    const v = p.Versioning as ConditionalValue;
    expect(v).toBeInstanceOf(ConditionalValue);
    expect(v.condition).toBe("InUsEast");
    expect(v.whenTrue).toBe("Enabled");
  });

  test("--parameter values win over defaults; pseudo parameters can be given; false conditions drop resources", () => {
    const r = resolveTemplate(parseTemplate("t.yaml", YAML), {
      Env: "dev",
      KeyArn: "alias/k",
      "AWS::Region": "us-east-1",
      Typo: "x",
    });
    const p = (r.resources.find((x) => x.logicalId === "Queue") as { properties: Record<string, unknown> }).properties;
    expect(p.QueueName).toBe("dev-jobs");
    expect(p.KmsMasterKeyId).toBe("alias/k");
    expect(p.Versioning).toBe("Enabled");
    expect(p.Kept).toBe("no");
    expect(r.skipped).toEqual(["Dlq"]);
    expect(r.unusedParameters).toEqual(["Typo"]);
    expect(p.DelaySeconds).toBeInstanceOf(UnknownValue); // no "dev" row in the mapping
  });
});
