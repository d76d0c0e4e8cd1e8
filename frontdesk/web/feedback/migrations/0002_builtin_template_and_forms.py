"""The built-in 360 template (the seed's competencies, 1-5) and QA forms (the seed's inspection items)."""

from django.db import migrations

COMPETENCIES = [
    ("communication", "Communication", "沟通能力"),
    ("professionalism", "Professionalism", "专业素养"),
    ("teamwork", "Teamwork", "团队协作"),
    ("problem_solving", "Problem solving", "问题解决"),
    ("service_attitude", "Service attitude", "服务态度"),
    ("learning", "Learning and growth", "学习成长"),
]
# (code, English, Chinese, points, critical)
CRITERIA = {
    "greeting": ("Greeting", "问候语", 5, False),
    "needs_identification": ("Needs identification", "需求识别", 10, False),
    "solution_accuracy": ("Accurate solution", "解决方案准确性", 10, False),
    "professional_language": ("Professional language", "专业用语", 5, False),
    "empathy": ("Empathy", "同理心", 5, False),
    "emotion_handling": ("Emotion handling", "情绪应对", 10, False),
    "process_adherence": ("Process adherence", "流程遵循", 10, False),
    "hold_and_transfer": ("Hold and transfer", "等待与转接", 5, False),
    "closing": ("Closing", "结束语", 5, False),
    "information_security": ("Information security", "信息安全", 10, True),
}
FORMS = [
    ("Standard service inspection", "标准服务质检", "recording", list(CRITERIA)),
    (
        "Mystery shopper visit",
        "神秘客户暗访",
        "mystery_shopper",
        ["greeting", "needs_identification", "professional_language", "process_adherence", "closing",
         "information_security"],
    ),
    (
        "Scenario simulation",
        "情景模拟",
        "scenario_simulation",
        ["greeting", "needs_identification", "empathy", "emotion_handling", "closing", "information_security"],
    ),
]


def create(apps, schema_editor):
    Template = apps.get_model("feedback", "Template")
    Competency = apps.get_model("feedback", "Competency")
    QAForm = apps.get_model("feedback", "QAForm")
    Criterion = apps.get_model("feedback", "Criterion")
    template = Template.objects.create(name="Seed 360 competencies", name_zh="360 度评价能力项（默认）", scale_max=5)
    for i, (code, en, zh) in enumerate(COMPETENCIES):
        Competency.objects.create(template=template, code=code, name=en, name_zh=zh, position=i)
    for name, name_zh, method, codes in FORMS:
        form = QAForm.objects.create(name=name, name_zh=name_zh, method=method)
        for i, code in enumerate(codes):
            en, zh, points, critical = CRITERIA[code]
            Criterion.objects.create(
                form=form, code=code, name=en, name_zh=zh, max_score=points, critical=critical,
                allow_not_applicable=not critical, position=i,
            )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
