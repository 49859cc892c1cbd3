import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { InstitutionRegistry } from '../../src/institutions/institution-registry.service';
import { createInstitutionsApp } from './institutions-app';
import { JIAOZUO_LEVEL3 } from '../support/fixtures';

describe('institutions over HTTP: a Jiaozuo hospital from declaration to final payment', () => {
  let app: INestApplication;
  const code = 'JZ-H001';
  const http = () => request(app.getHttpServer());

  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ app, close } = await createInstitutionsApp());
    // Listening once lets concurrent supertest requests share one server.
    await app.listen(0, '127.0.0.1');
  });

  afterAll(() => close());

  it('runs the year of 例2 and pays 42,333,750.00 plus the reviewed compensation', async () => {
    await http()
      .post('/institutions')
      .send({ ...JIAOZUO_LEVEL3, code })
      .expect(201);
    const profile = await app.get(InstitutionRegistry).find(code);
    expect(profile).toMatchObject({ code, level: 'level3', category: 'city_level3_general' });
    await http()
      .get(`/institutions/${code}`)
      .expect(200, {
        code,
        name: '焦作市某三级综合医院',
        category: 'city_level3_general',
        level: 'level3',
        location: 'city',
        region: 'jiaozuo',
        designations: ['employee'],
      });

    const base = await http().post(`/institutions/${code}/years/2024/cost-base`).send({}).expect(201);
    expect(base.body.events[0].data).toMatchObject({ base: '265.00', method: 'category' });

    const months = ['2024-08', '2024-09', '2024-10', '2024-11', '2024-12'];
    for (const [i, month] of months.entries()) {
      const declaredOn = i === 4 ? '2025-01-12' : `2024-${String(9 + i).padStart(2, '0')}-08`;
      const key = `declare-${month}`;
      const declared = await http()
        .post(`/institutions/${code}/months/${month}/declaration`)
        .set('Idempotency-Key', key)
        .send({ visits: 70000, totalCost: '21000000.00', fundDue: '9000000.00', declaredOn })
        .expect(201);
      expect(declared.body.events[0].data.late).toBe(i === 4);
      // A retry with the same key writes nothing and returns the first result.
      const retry = await http()
        .post(`/institutions/${code}/months/${month}/declaration`)
        .set('Idempotency-Key', key)
        .send({ visits: 70000, totalCost: '21000000.00', fundDue: '9000000.00', declaredOn })
        .expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body.events).toEqual(declared.body.events);
      await http().post(`/institutions/${code}/months/${month}/approval`).send({ approvedAmount: '9000000.00' }).expect(201);
      const adv = await http().post(`/institutions/${code}/months/${month}/advance`).send({}).expect(201);
      expect(adv.body.events[0].data).toMatchObject({ amount: '8550000.00', held: '450000.00' });
    }

    const settled = await http().post(`/institutions/${code}/years/2024/settlement`).send({}).expect(201);
    expect(settled.body.events[0].data).toMatchObject({
      payable: '42333750.00',
      overspend: '2666250.00',
      actualAverage: '300.00',
      withinCap: false,
    });

    const review = await http()
      .post(`/institutions/${code}/years/2024/review`)
      .send({ reviewedVisits: 100, violatingCost: '12000.00', reviewedCost: '48000.00' })
      .expect(201);
    expect(review.body.events[0].data).toMatchObject({ outcome: 'compliant_share', compensation: '1999687.50' });
    await http().post(`/institutions/${code}/years/2024/assessment`).send({ passed: true }).expect(201);
    const final = await http().post(`/institutions/${code}/years/2024/final-payment`).send({}).expect(201);
    expect(final.body.events[0].data).toMatchObject({
      finalPayment: '44333437.50',
      advances: '42750000.00',
      holdbackReleased: '2250000.00',
      adjustment: '-666562.50',
    });

    const year = await http().get(`/institutions/${code}/years/2024`).expect(200);
    expect(year.body).toMatchObject({
      declared: { visits: 350000, totalCost: '105000000.00', fundDue: '45000000.00', lateMonths: ['2024-12'] },
      approved: '45000000.00',
      advanced: '42750000.00',
      held: '2250000.00',
      final: { finalPayment: '44333437.50' },
    });
    const explain = await http().get(`/institutions/${code}/years/2024/explain`).expect(200);
    const steps = explain.body.steps as Array<{ step: string; clause: string }>;
    expect(steps.find((s) => s.step === 'over_cap')!.clause).toContain('焦医保〔2024〕32号 四（一）');
    expect(steps.every((s) => s.clause.length > 0)).toBe(true);
  });

  it('refuses bad input with 400, business rules with 422 and a clause, unknown codes with 404', async () => {
    const money = await http()
      .post(`/institutions/${code}/months/2025-01/declaration`)
      .send({ visits: 1, totalCost: 100, fundDue: '1', declaredOn: '2025-02-01' })
      .expect(400);
    expect(JSON.stringify(money.body)).toContain('totalCost');
    await http().post(`/institutions/${code}/months/2025-01/approval`).send({ approvedAmount: '1.00', extra: 1 }).expect(400);
    const refused = await http().post(`/institutions/${code}/years/2024/final-payment`).send({}).expect(422);
    expect(refused.body).toMatchObject({ code: 'FINAL_PAYMENT_ALREADY_MADE' });
    expect(refused.body.clause).toContain('焦医保〔2024〕32号');
    await http().get('/institutions/NOPE').expect(404);
    await http().post('/institutions/NOPE/months/2024-08/approval').send({ approvedAmount: '1.00' }).expect(404);
  });

  it('settles Anyang capitation within the annual budget', async () => {
    await http()
      .post('/institutions')
      .send({
        code: 'AY-T001',
        name: '安阳某乡镇卫生院',
        category: 'township_health_centre',
        level: 'township',
        location: 'township',
        region: 'anyang',
        designations: ['resident'],
      })
      .expect(201);
    const persons = await http().post('/institutions/AY-T001/years/2020/persons').send({ count: 100 }).expect(201);
    expect(persons.body.events[0].data).toMatchObject({ budget: '9000.00' });
    await http()
      .post('/institutions/AY-T001/months/2020-01/capitation')
      .send({ claimed: '7000.00', consultationClaimed: '1000.00' })
      .expect(201);
    const feb = await http()
      .post('/institutions/AY-T001/months/2020-02/capitation')
      .send({ claimed: '900.00', consultationClaimed: '900.00' })
      .expect(201);
    expect(feb.body.events[0].data).toMatchObject({
      paid: '1000.00',
      generalPaid: '200.00',
      consultationPaid: '800.00',
      cumulativePaid: '9000.00',
      remaining: '0.00',
    });
    const year = await http().get('/institutions/AY-T001/years/2020').expect(200);
    expect(year.body.capitation).toMatchObject({ paid: '9000.00', remaining: '0.00' });
  });

  it('concurrent declarations on one stream all land, each at its own revision', async () => {
    await http()
      .post('/institutions')
      .send({
        code: 'JZ-T003',
        name: '某乡镇卫生院',
        category: 'township_health_centre',
        level: 'township',
        location: 'township',
        region: 'jiaozuo',
        designations: ['employee'],
      })
      .expect(201);
    const months = ['2024-08', '2024-09', '2024-10', '2024-11', '2024-12'];
    const responses = await Promise.all(
      months.map((m) =>
        http()
          .post(`/institutions/JZ-T003/months/${m}/declaration`)
          .send({ visits: 100, totalCost: '8000.00', fundDue: '4000.00', declaredOn: '2025-01-05' }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(responses.map((r) => r.body.revision)).size).toBe(5);
    const year = await http().get('/institutions/JZ-T003/years/2024').expect(200);
    expect(year.body.declared).toMatchObject({ visits: 500, totalCost: '40000.00' });
  });
});
