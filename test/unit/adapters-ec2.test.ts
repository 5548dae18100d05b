import type { SecurityGroup } from "@aws-sdk/client-ec2";
import { UnknownValue } from "../../lib/cloudformation/unknown";
import { adapter } from "../../lib/resources/types/aws-ec2-securitygroup";
import { isObject, type JsonObject } from "../../lib/util/json";
import { docOf, expectSchemaValid, templateDoc, trail, TEST_ACCOUNT, TEST_REGION } from "../helpers/adapter-sources";
import { recorded } from "../helpers/recorded";

/*
 * AWS::EC2::SecurityGroup's four sources hold one document. Config shapes: the Config resource schema
 * (awslabs/aws-config-resource-schema AWS::EC2::SecurityGroup.properties.json) and a recorded item
 * (test/fixtures/aws-recorded/ec2-config-history-security-group.json); SDK shapes: Amazon EC2 API Reference
 * SecurityGroup / IpPermission and a recorded DescribeSecurityGroups response; templates: the CloudFormation
 * reference of AWS::EC2::SecurityGroup, SecurityGroupIngress and SecurityGroupEgress; CloudTrail: the
 * AuthorizeSecurityGroupIngress and ModifySecurityGroupRules shapes in policies/ec2/README.md.
 */

const GROUP = "sg-0123456789abcdef0";
const OTHER = "sg-0fedcba9876543210";

function configItem(configuration: JsonObject, tags: Record<string, string> = { team: "orders" }): JsonObject {
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-02T13:27:10.661Z",
    configurationStateId: 1793626030661,
    awsAccountId: TEST_ACCOUNT,
    configurationItemStatus: "OK",
    resourceType: "AWS::EC2::SecurityGroup",
    resourceId: configuration.groupId,
    resourceName: configuration.groupName,
    ARN: `arn:aws:ec2:${TEST_REGION}:${TEST_ACCOUNT}:security-group/${String(configuration.groupId)}`,
    awsRegion: TEST_REGION,
    availabilityZone: "Not Applicable",
    relationships: [],
    configuration,
    supplementaryConfiguration: {},
    tags,
  };
}

/** The configuration Config records for a group with SSH from two ranges, HTTPS from another group, all out. */
const configuration: JsonObject = {
  ownerId: TEST_ACCOUNT,
  groupName: "web",
  groupId: GROUP,
  description: "web tier",
  ipPermissions: [
    {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      userIdGroupPairs: [],
      ipv6Ranges: [{ cidrIpv6: "::/0" }],
      prefixListIds: [],
      ipRanges: ["0.0.0.0/0", "10.0.0.0/8"],
      ipv4Ranges: [{ cidrIp: "0.0.0.0/0", description: "temporary" }, { cidrIp: "10.0.0.0/8" }],
    },
    {
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      userIdGroupPairs: [{ userId: TEST_ACCOUNT, groupId: OTHER, description: "from the load balancer" }],
      ipv6Ranges: [],
      prefixListIds: [],
      ipRanges: [],
      ipv4Ranges: [],
    },
  ],
  ipPermissionsEgress: [
    {
      ipProtocol: "-1",
      userIdGroupPairs: [],
      ipv6Ranges: [],
      prefixListIds: [],
      ipRanges: ["0.0.0.0/0"],
      ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }],
    },
  ],
  vpcId: "vpc-0a1b2c3d4e5f60718",
  tags: [{ key: "team", value: "orders" }],
};

const expected: JsonObject = {
  groupId: GROUP,
  groupName: "web",
  description: "web tier",
  vpcId: "vpc-0a1b2c3d4e5f60718",
  ownerId: TEST_ACCOUNT,
  ipPermissions: [
    {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      ipv4Ranges: [{ cidrIp: "0.0.0.0/0", description: "temporary" }, { cidrIp: "10.0.0.0/8" }],
      ipv6Ranges: [{ cidrIpv6: "::/0" }],
      prefixListIds: [],
      userIdGroupPairs: [],
    },
    {
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      ipv4Ranges: [],
      ipv6Ranges: [],
      prefixListIds: [],
      userIdGroupPairs: [{ userId: TEST_ACCOUNT, groupId: OTHER, description: "from the load balancer" }],
    },
  ],
  ipPermissionsEgress: [
    {
      ipProtocol: "-1",
      ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }],
      ipv6Ranges: [],
      prefixListIds: [],
      userIdGroupPairs: [],
    },
  ],
  tags: { team: "orders" },
};

/** The same item as GetResourceConfigHistory returns it: `configuration` a JSON string, `arn`, `accountId`. */
function apiNaming(invocation: JsonObject): JsonObject {
  const { ARN, awsAccountId, configurationItemVersion, configuration: c, ...rest } = invocation;
  return {
    ...rest,
    version: configurationItemVersion,
    accountId: awsAccountId,
    arn: ARN,
    configurationStateId: String(rest.configurationStateId),
    configuration: JSON.stringify(c),
  };
}

describe("AWS::EC2::SecurityGroup from a Config item", () => {
  test("both namings give the document, IPv4 ranges in one form", () => {
    const item = configItem(configuration);
    expect(docOf(adapter, item)).toEqual(expected);
    expect(docOf(adapter, apiNaming(item))).toEqual(expected);
    expectSchemaValid(adapter, expected);
  });

  test("the recorded item (API naming, version 1.2, ipRanges only, null ports) reads as the document", () => {
    const history = recorded<{ data: { configurationItems: JsonObject[] } }>("ec2-config-history-security-group.json");
    const item = history.data.configurationItems[0]!;
    const doc = docOf(adapter, item);
    expect(doc).toEqual({
      groupId: "sg-65229a0c",
      groupName: "Test",
      description: "Test",
      vpcId: "vpc-5f6c9936",
      ownerId: "644160558196",
      ipPermissions: [
        {
          ipProtocol: "tcp",
          fromPort: 0,
          toPort: 0,
          ipv4Ranges: [],
          ipv6Ranges: [],
          prefixListIds: [],
          userIdGroupPairs: [
            {
              userId: "644160558196",
              groupName: null,
              groupId: "sg-aa6c90c3",
              vpcId: null,
              vpcPeeringConnectionId: null,
              peeringStatus: null,
            },
          ],
        },
      ],
      ipPermissionsEgress: [
        {
          ipProtocol: "-1",
          ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }],
          ipv6Ranges: [],
          prefixListIds: [],
          userIdGroupPairs: [],
        },
      ],
      tags: { Name: "Test" },
    });
    expectSchemaValid(adapter, doc);
  });

  test("protocol numbers read as EC2's names; ports of all-traffic rules are dropped", () => {
    const doc = docOf(
      adapter,
      configItem({
        groupId: GROUP,
        ipPermissions: [
          { ipProtocol: "6", fromPort: "22", toPort: 22, ipRanges: ["0.0.0.0/0"] },
          { ipProtocol: "17", fromPort: 53, toPort: 53 },
          { ipProtocol: "58", fromPort: -1, toPort: -1 },
          { ipProtocol: "-1", fromPort: -1, toPort: -1 },
          { ipProtocol: "TCP", fromPort: 80, toPort: 80 },
        ],
        ipPermissionsEgress: [],
      }),
    );
    const rules = (doc.ipPermissions as JsonObject[]).map((p) => [p.ipProtocol, p.fromPort, p.toPort]);
    expect(rules).toEqual([
      ["tcp", 22, 22],
      ["udp", 53, 53],
      ["icmpv6", -1, -1],
      ["-1", undefined, undefined],
      ["tcp", 80, 80],
    ]);
    expect((doc.ipPermissions as JsonObject[])[0]!.ipv4Ranges).toEqual([{ cidrIp: "0.0.0.0/0" }]);
  });

  test("a malformed item gives a document without throwing", () => {
    for (const c of [
      {},
      { ipPermissions: "all" },
      { ipPermissions: [null, 7, "x", { ipProtocol: 6, fromPort: {}, ipv4Ranges: "0.0.0.0/0", ipv6Ranges: [1] }] },
      { groupId: 42, groupName: [], ipPermissionsEgress: { a: 1 } },
    ]) {
      const doc = docOf(adapter, { ...configItem({ groupId: GROUP }), configuration: c });
      expect(doc.groupId).toBe(GROUP);
      expect(Array.isArray(doc.ipPermissions) && Array.isArray(doc.ipPermissionsEgress)).toBe(true);
      expectSchemaValid(adapter, doc);
    }
  });
});

describe("AWS::EC2::SecurityGroup from a describe", () => {
  const ref = { type: adapter.type, id: GROUP, region: TEST_REGION, accountId: TEST_ACCOUNT };

  test("DescribeSecurityGroups' group gives the Config item's document", () => {
    const group: SecurityGroup = {
      GroupId: GROUP,
      GroupName: "web",
      Description: "web tier",
      OwnerId: TEST_ACCOUNT,
      VpcId: "vpc-0a1b2c3d4e5f60718",
      SecurityGroupArn: `arn:aws:ec2:${TEST_REGION}:${TEST_ACCOUNT}:security-group/${GROUP}`,
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "temporary" }, { CidrIp: "10.0.0.0/8" }],
          Ipv6Ranges: [{ CidrIpv6: "::/0" }],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
        {
          IpProtocol: "tcp",
          FromPort: 443,
          ToPort: 443,
          IpRanges: [],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [{ UserId: TEST_ACCOUNT, GroupId: OTHER, Description: "from the load balancer" }],
        },
      ],
      IpPermissionsEgress: [
        {
          IpProtocol: "-1",
          IpRanges: [{ CidrIp: "0.0.0.0/0" }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ],
      Tags: [{ Key: "team", Value: "orders" }],
    };
    expect(adapter.fromDescribe!({ ref, DescribeSecurityGroups: { SecurityGroups: [group] } })).toEqual(expected);
  });

  test("a recorded default group reads as the document of the same group from Config", () => {
    const response = recorded<{ data: { SecurityGroups: SecurityGroup[] } }>("ec2-describe-security-groups.json");
    const group = response.data.SecurityGroups.find((g) => g.GroupName === "default")!;
    const described = adapter.fromDescribe!({
      ref: { ...ref, id: group.GroupId!, accountId: group.OwnerId! },
      DescribeSecurityGroups: { SecurityGroups: [group] },
    });
    const fromConfig = docOf(
      adapter,
      configItem(
        {
          ownerId: group.OwnerId,
          groupName: "default",
          groupId: group.GroupId,
          description: "default VPC security group",
          ipPermissions: [
            {
              ipProtocol: "-1",
              userIdGroupPairs: [{ groupId: group.GroupId, userId: group.OwnerId }],
              ipv6Ranges: [],
              prefixListIds: [],
              ipRanges: [],
              ipv4Ranges: [],
            },
          ],
          ipPermissionsEgress: configuration.ipPermissionsEgress,
          vpcId: group.VpcId,
          tags: [],
        },
        {},
      ),
    );
    expect(described).toEqual(fromConfig);
    expectSchemaValid(adapter, described);
  });
});

describe("AWS::EC2::SecurityGroup from a template", () => {
  const yaml = [
    "Resources:",
    "  Web:",
    "    Type: AWS::EC2::SecurityGroup",
    "    Properties:",
    "      GroupName: web",
    "      GroupDescription: web tier",
    "      VpcId: vpc-0a1b2c3d4e5f60718",
    "      SecurityGroupIngress:",
    "        - { IpProtocol: 6, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0, Description: temporary }",
    "        - { IpProtocol: tcp, FromPort: '443', ToPort: 443, SourceSecurityGroupId: sg-0fedcba9876543210 }",
    "      Tags: [{ Key: team, Value: orders }]",
    "  WebSshV6:",
    "    Type: AWS::EC2::SecurityGroupIngress",
    '    Properties: { GroupId: !GetAtt Web.GroupId, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIpv6: "::/0" }',
    "  Closed:",
    "    Type: AWS::EC2::SecurityGroup",
    "    Properties:",
    "      GroupDescription: closed",
    "      SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: 127.0.0.1/32 }]",
    "  ClosedEgress:",
    "    Type: AWS::EC2::SecurityGroupEgress",
    "    Properties: { GroupId: !Ref Closed, IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationPrefixListId: pl-0a1b2c3d }",
    "",
  ].join("\n");

  test("inline and standalone rules are the group's permissions; no egress declared is EC2's default one", () => {
    const doc = templateDoc(adapter, yaml, "Web");
    expect(doc.groupId).toBeInstanceOf(UnknownValue);
    const { groupId: _g, ...rest } = doc;
    const { groupId: _e, ownerId: _o, ...want } = expected;
    expect(rest).toEqual({
      ...want,
      ipPermissions: [
        {
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          ipv4Ranges: [{ cidrIp: "0.0.0.0/0", description: "temporary" }],
          ipv6Ranges: [],
          prefixListIds: [],
          userIdGroupPairs: [],
        },
        {
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          ipv4Ranges: [],
          ipv6Ranges: [],
          prefixListIds: [],
          userIdGroupPairs: [{ groupId: OTHER }],
        },
        {
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          ipv4Ranges: [],
          ipv6Ranges: [{ cidrIpv6: "::/0" }],
          prefixListIds: [],
          userIdGroupPairs: [],
        },
      ],
    });
  });

  test("declared egress rules replace the default one, standalone ones included", () => {
    const doc = templateDoc(adapter, yaml, "Closed");
    expect(doc.ipPermissionsEgress).toEqual([
      {
        ipProtocol: "-1",
        ipv4Ranges: [{ cidrIp: "127.0.0.1/32" }],
        ipv6Ranges: [],
        prefixListIds: [],
        userIdGroupPairs: [],
      },
      {
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        ipv4Ranges: [],
        ipv6Ranges: [],
        prefixListIds: [{ prefixListId: "pl-0a1b2c3d" }],
        userIdGroupPairs: [],
      },
    ]);
    expect(doc.ipPermissions).toEqual([]);
    expect(isObject(doc.groupName) || doc.groupName instanceof UnknownValue).toBe(true);
  });
});

describe("AWS::EC2::SecurityGroup from CloudTrail", () => {
  const arn = (id: string) => `arn:aws:ec2:${TEST_REGION}:${TEST_ACCOUNT}:security-group/${id}`;
  const ref = (id: string) => [{ type: adapter.type, id, region: TEST_REGION, accountId: TEST_ACCOUNT, arn: arn(id) }];

  test("AuthorizeSecurityGroupIngress names the group in requestParameters.groupId", () => {
    const record = trail(
      "ec2.amazonaws.com",
      "AuthorizeSecurityGroupIngress",
      {
        groupId: GROUP,
        ipPermissions: {
          items: [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, groups: {}, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] }, ipv6Ranges: {}, prefixListIds: {} }], // prettier-ignore
        },
      },
      { requestId: "b389022f-eb12-4752-a925-f12a129d8d29", _return: true },
    );
    expect(adapter.fromCloudTrail!(record)).toEqual(ref(GROUP));
  });

  test("ModifySecurityGroupRules names it in ModifySecurityGroupRulesRequest.GroupId", () => {
    const record = trail(
      "ec2.amazonaws.com",
      "ModifySecurityGroupRules",
      {
        ModifySecurityGroupRulesRequest: {
          GroupId: GROUP,
          SecurityGroupRule: {
            SecurityGroupRuleId: "sgr-0a1b2c3d4e5f60712",
            SecurityGroupRule: { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "0.0.0.0/0" },
          },
        },
      },
      { ModifySecurityGroupRulesResponse: { return: true } },
    );
    expect(adapter.fromCloudTrail!(record)).toEqual(ref(GROUP));
  });

  test("CreateSecurityGroup names it in responseElements; a rule set answer names its group", () => {
    const created = trail("ec2.amazonaws.com", "CreateSecurityGroup", { groupName: "web", groupDescription: "web" }, { _return: true, groupId: OTHER }); // prettier-ignore
    expect(adapter.fromCloudTrail!(created)).toEqual(ref(OTHER));
    const byName = trail(
      "ec2.amazonaws.com",
      "AuthorizeSecurityGroupIngress",
      { groupName: "default" },
      {
        _return: true,
        securityGroupRuleSet: { items: [{ groupOwnerId: TEST_ACCOUNT, groupId: GROUP, isEgress: false }] },
      },
    );
    expect(adapter.fromCloudTrail!(byName)).toEqual(ref(GROUP));
  });

  test("other calls, other services, names alone and malformed ids name nothing", () => {
    expect(adapter.fromCloudTrail!(trail("ec2.amazonaws.com", "RunInstances", { groupId: GROUP }, null))).toEqual([]);
    expect(adapter.fromCloudTrail!(trail("rds.amazonaws.com", "AuthorizeSecurityGroupIngress", { groupId: GROUP }, null))).toEqual([]); // prettier-ignore
    expect(adapter.fromCloudTrail!(trail("ec2.amazonaws.com", "RevokeSecurityGroupIngress", { groupName: "web" }, null))).toEqual([]); // prettier-ignore
    expect(adapter.fromCloudTrail!(trail("ec2.amazonaws.com", "DeleteSecurityGroup", { groupId: "sg-../x" }, null))).toEqual([]); // prettier-ignore
    expect(adapter.fromCloudTrail!(trail("ec2.amazonaws.com", "ModifySecurityGroupRules", { ModifySecurityGroupRulesRequest: 7 }, null))).toEqual([]); // prettier-ignore
  });
});
