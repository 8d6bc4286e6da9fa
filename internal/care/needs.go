package care

// This file holds the needs taxonomy: what a person may need help with,
// in two levels, with the words people use for each. Matching free text
// against it is in needs_match.go.

// NeedsVocabulary is the taxonomy name under which the needs are published as
// Open Referral UK taxonomy terms, so other directories can tell our codes
// apart from terms in other vocabularies.
const NeedsVocabulary = "joinedup-needs"

// Need is one entry in the needs taxonomy: something a person may need help
// with, that a directory service can meet. The taxonomy has two levels: broad
// needs with no Parent, and more specific needs beneath them.
//
// Codes are stable identifiers. Services, referrals and published open data
// store them, so a code is never renamed or reused. A need that is no longer
// wanted is marked Deprecated instead, and keeps resolving.
type Need struct {
	// Code is "group" for a top-level need, or "group/need" beneath it, using
	// lower-case letters, digits and hyphens.
	Code string
	// Parent is the code of the top-level need, or "" for a top-level need.
	Parent string
	// Label is the need's name as people say it.
	Label string
	// Description is one sentence explaining what the need covers.
	Description string
	// Keywords are words and phrases people type when they mean this need,
	// including everyday and professional synonyms.
	Keywords []string
	// Deprecated needs still resolve, so old records keep their meaning, but
	// are not offered for new services or matched from free text.
	Deprecated bool
}

// TopLevel reports whether the need is a top-level need.
func (n Need) TopLevel() bool { return n.Parent == "" }

// Needs returns the whole taxonomy, each top-level need followed by the needs
// beneath it, in the order pages show them.
func Needs() []Need { return needsTaxonomy() }

// NeedByCode finds a need, including a deprecated one, by its code.
func NeedByCode(code string) (Need, bool) {
	for _, n := range needsTaxonomy() {
		if n.Code == code {
			return n, true
		}
	}
	return Need{}, false
}

// ChildrenOf returns the needs directly beneath code, in taxonomy order.
// ChildrenOf("") returns the top-level needs.
func ChildrenOf(code string) []Need {
	var out []Need
	for _, n := range needsTaxonomy() {
		if n.Parent == code {
			out = append(out, n)
		}
	}
	return out
}

// needsTaxonomy holds the taxonomy itself. To add a need, copy an entry
// beneath the right top-level need and change it; read docs/taxonomy.md first.
// Never change an existing Code: mark the need Deprecated instead.
func needsTaxonomy() []Need {
	return []Need{
		// Personal care
		{
			Code:        "personal-care",
			Label:       "Personal care",
			Description: "Help with looking after yourself day to day, such as washing, dressing, eating and using the toilet.",
			Keywords:    []string{"personal care", "self care", "activities of daily living", "adl", "daily living", "looking after themselves"},
		},
		{
			Code:        "personal-care/washing-and-dressing",
			Parent:      "personal-care",
			Label:       "Washing and dressing",
			Description: "Help to wash, bathe or shower, get dressed and undressed, and keep clean and groomed.",
			Keywords:    []string{"wash", "washing", "bath", "bathing", "shower", "showering", "strip wash", "dressing", "dressed", "getting dressed", "undressing", "personal hygiene", "hygiene", "grooming", "shaving", "hair washing"},
		},
		{
			Code:        "personal-care/eating-and-drinking",
			Parent:      "personal-care",
			Label:       "Eating and drinking",
			Description: "Help to prepare meals, eat and drink enough, and keep to a healthy weight.",
			Keywords:    []string{"eating", "eat", "not eating", "drinking", "fluids", "meals", "meal preparation", "cooking", "food", "feeding", "nutrition", "malnutrition", "malnourished", "weight loss", "losing weight", "dehydrated", "dehydration", "appetite", "meals on wheels", "swallowing", "hot meal"},
		},
		{
			Code:        "personal-care/using-the-toilet",
			Parent:      "personal-care",
			Label:       "Using the toilet",
			Description: "Help to get to and use the toilet, and to change pads and clean up after accidents.",
			Keywords:    []string{"toilet", "toileting", "using the toilet", "pads", "changing pads", "accidents", "wetting", "wet the bed", "soiled", "soiling", "uses a commode"},
		},

		// Mobility and falls
		{
			Code:        "mobility-and-falls",
			Label:       "Mobility and falls",
			Description: "Help to move about safely, and to prevent and recover from falls.",
			Keywords:    []string{"mobility", "mobile", "immobile", "poor mobility", "moving around", "getting around"},
		},
		{
			Code:        "mobility-and-falls/falls-prevention",
			Parent:      "mobility-and-falls",
			Label:       "Falls and falls prevention",
			Description: "Assessment and support after a fall, or for someone at risk of falling.",
			Keywords:    []string{"fall", "falls", "falling", "fell", "fallen", "found on the floor", "on the floor", "long lie", "trips", "tripping", "slipped", "unsteady", "unsteady on feet", "dizzy", "balance", "falls risk", "falls clinic", "falls assessment"},
		},
		{
			Code:        "mobility-and-falls/walking-and-strength",
			Parent:      "mobility-and-falls",
			Label:       "Walking and getting stronger",
			Description: "Physiotherapy and exercise to improve strength, balance and walking.",
			Keywords:    []string{"walking", "walk", "physiotherapy", "physio", "exercise", "exercises", "strength", "weak", "weakness", "weak legs", "walking frame", "walking stick", "zimmer", "rehab", "rehabilitation", "deconditioned", "deconditioning"},
		},
		{
			Code:        "mobility-and-falls/moving-and-handling",
			Parent:      "mobility-and-falls",
			Label:       "Moving and handling",
			Description: "Safe ways to help someone move, such as getting in and out of bed or a chair, and using a hoist.",
			Keywords:    []string{"moving and handling", "manual handling", "transfer", "transfers", "hoist", "hoisting", "stand aid", "slide sheet", "bed bound", "bedbound", "in and out of bed", "out of bed", "getting up", "chair to bed", "bed to chair", "double handed", "two carers"},
		},
		{
			Code:        "mobility-and-falls/getting-out-and-about",
			Parent:      "mobility-and-falls",
			Label:       "Getting out and about",
			Description: "Transport and help to leave the house, get to appointments and get around the community.",
			Keywords:    []string{"transport", "community transport", "dial a ride", "taxicard", "taxi card", "blue badge", "bus pass", "housebound", "stuck indoors", "can't get out", "escort", "hospital transport", "mobility scooter", "getting to appointments"},
		},

		// Equipment and adaptations
		{
			Code:        "equipment-and-adaptations",
			Label:       "Equipment and adaptations",
			Description: "Equipment and changes to the home that make daily life safer and easier.",
			Keywords:    []string{"equipment", "aids", "adaptations", "occupational therapy", "occupational therapist", "ot", "ot assessment", "community equipment"},
		},
		{
			Code:        "equipment-and-adaptations/daily-living-equipment",
			Parent:      "equipment-and-adaptations",
			Label:       "Daily living equipment",
			Description: "Small aids such as bath seats, raised toilet seats, commodes, perching stools and bed levers.",
			Keywords:    []string{"bath seat", "bath board", "bath lift", "raised toilet seat", "toilet frame", "commode", "perching stool", "kitchen trolley", "bed lever", "chair raisers", "riser recliner", "helping hand", "grab stick"},
		},
		{
			Code:        "equipment-and-adaptations/home-adaptations",
			Parent:      "equipment-and-adaptations",
			Label:       "Home adaptations",
			Description: "Changes to the home such as grab rails, ramps, stairlifts and level-access showers.",
			Keywords:    []string{"adaptation", "grab rails", "grab rail", "rails", "handrail", "banister", "ramp", "stairlift", "stair lift", "stairs", "level access shower", "wet room", "walk in shower", "through floor lift", "disabled facilities grant", "dfg", "door widening"},
		},
		{
			Code:        "equipment-and-adaptations/wheelchairs",
			Parent:      "equipment-and-adaptations",
			Label:       "Wheelchairs",
			Description: "Assessment for a manual or powered wheelchair, and repairs and reviews.",
			Keywords:    []string{"wheelchair", "wheelchair service", "powered wheelchair", "electric wheelchair", "wheelchair repair", "personal wheelchair budget"},
		},
		{
			Code:        "equipment-and-adaptations/telecare-and-alarms",
			Parent:      "equipment-and-adaptations",
			Label:       "Telecare and alarms",
			Description: "Pendant alarms, sensors and key safes that get help quickly when something goes wrong.",
			Keywords:    []string{"telecare", "pendant", "pendant alarm", "personal alarm", "lifeline", "careline", "alarm", "falls detector", "falls sensor", "sensor", "door sensor", "bed sensor", "key safe", "keysafe", "gps tracker", "technology enabled care", "tec"},
		},
		{
			Code:        "equipment-and-adaptations/sight-and-hearing-loss",
			Parent:      "equipment-and-adaptations",
			Label:       "Sight and hearing loss",
			Description: "Support, equipment and training for people who are blind, partially sighted, deaf or hard of hearing.",
			Keywords:    []string{"sight loss", "sight", "blind", "partially sighted", "visual impairment", "visually impaired", "eyesight", "hearing loss", "hearing", "deaf", "hard of hearing", "hearing aid", "deafblind", "bsl", "sensory impairment", "sensory team", "rehabilitation officer"},
		},

		// Home care and reablement
		{
			Code:        "home-care-and-reablement",
			Label:       "Home care and reablement",
			Description: "Paid carers who visit people at home, and short-term help to regain independence.",
			Keywords:    []string{"care at home", "help at home", "carers visiting", "paid carers", "care calls", "care visits"},
		},
		{
			Code:        "home-care-and-reablement/reablement",
			Parent:      "home-care-and-reablement",
			Label:       "Reablement",
			Description: "Short-term help at home, usually free for up to six weeks, to regain skills and confidence after illness or a hospital stay.",
			Keywords:    []string{"reablement", "re-ablement", "enablement", "regain independence", "regain confidence", "short term care", "short term support", "rehab at home", "six weeks"},
		},
		{
			Code:        "home-care-and-reablement/home-care",
			Parent:      "home-care-and-reablement",
			Label:       "Home care",
			Description: "Regular visits from paid carers to help with daily tasks at home, for as long as they are needed.",
			Keywords:    []string{"home care", "homecare", "domiciliary care", "dom care", "care package", "package of care", "poc", "increase package", "care agency", "carers four times a day", "morning call", "bedtime call", "night sitting", "live in care", "live-in carer"},
		},
		{
			Code:        "home-care-and-reablement/housework-and-shopping",
			Parent:      "home-care-and-reablement",
			Label:       "Housework and shopping",
			Description: "Help with cleaning, laundry, shopping, odd jobs and other tasks around the home.",
			Keywords:    []string{"housework", "cleaning", "cleaner", "laundry", "washing clothes", "ironing", "shopping", "food shopping", "odd jobs", "handyperson", "handyman", "gardening", "bins"},
		},
		{
			Code:        "home-care-and-reablement/direct-payments",
			Parent:      "home-care-and-reablement",
			Label:       "Direct payments and personal assistants",
			Description: "Using a direct payment or personal health budget to arrange your own care, including employing a personal assistant.",
			Keywords:    []string{"direct payment", "direct payments", "dp", "personal assistant", "pa", "personal budget", "personal health budget", "phb", "self directed support", "sds", "employ a carer", "payroll"},
		},

		// Care homes and supported housing
		{
			Code:        "care-homes-and-supported-housing",
			Label:       "Care homes and supported housing",
			Description: "Places to live where care and support are part of the arrangement.",
			Keywords:    []string{"placement", "move to a care home", "can't manage at home", "cannot cope at home", "long term care"},
		},
		{
			Code:        "care-homes-and-supported-housing/care-homes",
			Parent:      "care-homes-and-supported-housing",
			Label:       "Care homes",
			Description: "Residential and nursing homes, for short stays or to live in permanently.",
			Keywords:    []string{"care home", "care homes", "residential care", "residential home", "nursing home", "nursing care home", "permanent placement", "care home placement", "emergency placement", "respite bed"},
		},
		{
			Code:        "care-homes-and-supported-housing/extra-care-and-supported-living",
			Parent:      "care-homes-and-supported-housing",
			Label:       "Extra care and supported living",
			Description: "Homes of your own, with care or support staff on site or visiting, such as extra care housing, sheltered housing, supported living and Shared Lives.",
			Keywords:    []string{"extra care", "extra care housing", "sheltered housing", "sheltered accommodation", "assisted living", "retirement housing", "supported living", "supported housing", "supported accommodation", "shared lives", "warden"},
		},

		// Carers
		{
			Code:        "carers-support",
			Label:       "Support for carers",
			Description: "Help for family and friends who look after someone, so they can keep caring and look after themselves.",
			Keywords:    []string{"carer", "carers", "unpaid carer", "family carer", "caring role", "carer strain", "carer stress", "carer breakdown", "exhausted", "not coping", "struggling to cope", "burnt out", "young carer"},
		},
		{
			Code:        "carers-support/carers-assessment",
			Parent:      "carers-support",
			Label:       "Carer's assessment",
			Description: "An assessment of what support a carer needs, and a plan for what happens if they suddenly can't care.",
			Keywords:    []string{"carer's assessment", "carers assessment", "carer assessment", "carer support plan", "carer emergency plan", "emergency plan", "contingency plan", "carer emergency card"},
		},
		{
			Code:        "carers-support/respite-and-short-breaks",
			Parent:      "carers-support",
			Label:       "Respite and short breaks",
			Description: "Care for the person being looked after so that their carer can have a break.",
			Keywords:    []string{"respite", "respite care", "short break", "short breaks", "a break", "break from caring", "sitting service", "sitter", "replacement care", "emergency respite"},
		},
		{
			Code:        "carers-support/carers-advice-and-wellbeing",
			Parent:      "carers-support",
			Label:       "Advice and wellbeing for carers",
			Description: "Information, advice, peer support groups and training for carers, and help with their own health and wellbeing.",
			Keywords:    []string{"carers centre", "carers group", "carer support group", "carer advice", "carer wellbeing", "carer training", "carer's allowance", "carers allowance", "carer's leave", "working carer"},
		},

		// Mental health
		{
			Code:        "mental-health-and-wellbeing",
			Label:       "Mental health and wellbeing",
			Description: "Support with emotional wellbeing and mental health, from everyday stress to serious illness.",
			Keywords:    []string{"mental health", "mental illness", "wellbeing", "emotional", "emotional support", "mood"},
		},
		{
			Code:        "mental-health-and-wellbeing/low-mood-and-anxiety",
			Parent:      "mental-health-and-wellbeing",
			Label:       "Low mood, anxiety and stress",
			Description: "Talking therapies and support for common problems such as depression, anxiety, panic and stress.",
			Keywords:    []string{"low mood", "depression", "depressed", "anxiety", "anxious", "panic", "panic attacks", "stress", "stressed", "worried", "worry", "talking therapy", "talking therapies", "counselling", "cbt", "iapt", "tearful", "feeling low"},
		},
		{
			Code:        "mental-health-and-wellbeing/serious-mental-illness",
			Parent:      "mental-health-and-wellbeing",
			Label:       "Serious mental illness",
			Description: "Care from community mental health services for conditions such as psychosis, schizophrenia and bipolar disorder.",
			Keywords:    []string{"psychosis", "psychotic", "schizophrenia", "bipolar", "hearing voices", "paranoid", "paranoia", "personality disorder", "eating disorder", "cmht", "community mental health team", "cpn", "care coordinator", "section 117", "aftercare", "depot", "relapse", "smi"},
		},
		{
			Code:        "mental-health-and-wellbeing/mental-health-crisis",
			Parent:      "mental-health-and-wellbeing",
			Label:       "Mental health crisis",
			Description: "Urgent help when someone's mental health puts them or others at risk, including Mental Health Act assessments.",
			Keywords:    []string{"crisis", "mental health crisis", "crisis team", "home treatment team", "suicidal", "suicidal thoughts", "suicide", "self harm", "self-harm", "self harming", "overdose", "amhp", "mental health act", "mha assessment", "sectioned", "sectioning", "section 2", "section 3", "safe haven", "crisis cafe"},
		},

		// Memory and dementia
		{
			Code:        "memory-and-dementia",
			Label:       "Memory and dementia",
			Description: "Support for people with memory problems or dementia, and for their families.",
			Keywords:    []string{"dementia", "alzheimer's", "alzheimers", "alzheimer", "vascular dementia", "memory"},
		},
		{
			Code:        "memory-and-dementia/memory-assessment",
			Parent:      "memory-and-dementia",
			Label:       "Memory assessment and diagnosis",
			Description: "Assessment by a memory service to find out what is causing memory problems.",
			Keywords:    []string{"memory clinic", "memory service", "memory assessment", "memory loss", "memory problems", "poor memory", "forgetful", "forgetting", "forgetfulness", "confused", "confusion", "cognitive", "cognitive impairment", "mci", "diagnosis", "diagnosed", "undiagnosed", "not diagnosed"},
		},
		{
			Code:        "memory-and-dementia/living-with-dementia",
			Parent:      "memory-and-dementia",
			Label:       "Living well with dementia",
			Description: "Practical and emotional support after a dementia diagnosis, for the person and their family.",
			Keywords:    []string{"dementia support", "dementia adviser", "dementia advisor", "dementia navigator", "dementia cafe", "memory cafe", "post diagnostic support", "after diagnosis", "dementia friendly", "dementia carers"},
		},
		{
			Code:        "memory-and-dementia/dementia-distress",
			Parent:      "memory-and-dementia",
			Label:       "Distress and changed behaviour in dementia",
			Description: "Help when a person with dementia is distressed, agitated, aggressive or at risk from walking about and getting lost.",
			Keywords:    []string{"wandering", "wanders", "getting lost", "walking at night", "up at night", "night waking", "agitation", "agitated", "aggression", "aggressive", "violent", "distress", "distressed", "sundowning", "behaviour", "challenging behaviour", "behaviours that challenge", "hallucinations"},
		},

		// Loneliness
		{
			Code:        "loneliness-and-isolation",
			Label:       "Loneliness and isolation",
			Description: "Help for people who feel lonely or cut off, to make connections and take part in community life.",
			Keywords:    []string{"lonely", "loneliness", "isolated", "isolation", "socially isolated", "social isolation", "alone", "lives alone", "on their own", "no family", "no friends", "no visitors", "sees nobody", "nobody visits"},
		},
		{
			Code:        "loneliness-and-isolation/befriending",
			Parent:      "loneliness-and-isolation",
			Label:       "Befriending",
			Description: "A volunteer who visits or phones regularly for a chat and company.",
			Keywords:    []string{"befriending", "befriender", "befriend", "friendship", "company", "companionship", "someone to talk to", "telephone friendship", "phone calls", "regular call", "volunteer visitor", "visiting volunteer", "chat"},
		},
		{
			Code:        "loneliness-and-isolation/groups-and-activities",
			Parent:      "loneliness-and-isolation",
			Label:       "Groups, clubs and activities",
			Description: "Local groups, clubs, day centres and activities where people can meet others and do things they enjoy.",
			Keywords:    []string{"groups", "group", "clubs", "club", "lunch club", "activities", "activity", "hobbies", "social activities", "day centre", "day centres", "day services", "day opportunities", "men's shed", "mens shed", "volunteering", "faith group", "church", "mosque", "temple", "exercise class", "dance", "singing"},
		},
		{
			Code:        "loneliness-and-isolation/social-prescribing",
			Parent:      "loneliness-and-isolation",
			Label:       "Social prescribing",
			Description: "A link worker who spends time with the person to find out what matters to them and connects them with local help.",
			Keywords:    []string{"social prescribing", "social prescriber", "link worker", "community connector", "community navigator", "what matters", "non medical", "signposting", "wellbeing coach", "health coach", "health and wellbeing coach"},
		},

		// Money, housing and benefits
		{
			Code:        "money-housing-and-benefits",
			Label:       "Money, housing and benefits",
			Description: "Advice and help with money, benefits, housing and paying for care.",
			Keywords:    []string{"money", "finances", "financial", "benefits", "housing", "welfare"},
		},
		{
			Code:        "money-housing-and-benefits/benefits-and-money-advice",
			Parent:      "money-housing-and-benefits",
			Label:       "Benefits, debt and money advice",
			Description: "Checking benefit entitlement, help with claims, and advice on debt, bills and the cost of living.",
			Keywords:    []string{"benefits advice", "benefit check", "welfare rights", "attendance allowance", "pip", "personal independence payment", "universal credit", "pension credit", "council tax reduction", "esa", "dla", "debt", "debts", "arrears", "bills", "can't afford", "cost of living", "food bank", "foodbank", "fuel poverty", "energy bills", "heating", "cold home", "money worries", "budgeting", "gambling", "sr1"},
		},
		{
			Code:        "money-housing-and-benefits/housing-and-homelessness",
			Parent:      "money-housing-and-benefits",
			Label:       "Housing problems and homelessness",
			Description: "Help with unsuitable or unsafe housing, repairs, rehousing and homelessness.",
			Keywords:    []string{"homeless", "homelessness", "rough sleeping", "sofa surfing", "eviction", "evicted", "notice to quit", "temporary accommodation", "rehousing", "rehoused", "housing officer", "housing association", "landlord", "council housing", "rent arrears", "behind on rent", "rent", "damp", "mould", "disrepair", "unsuitable housing", "overcrowded", "no heating"},
		},
		{
			Code:        "money-housing-and-benefits/paying-for-care",
			Parent:      "money-housing-and-benefits",
			Label:       "Paying for care",
			Description: "Understanding care charges, financial assessments and NHS funding such as continuing healthcare.",
			Keywords:    []string{"paying for care", "care costs", "care charges", "charging", "financial assessment", "fab", "self funder", "self-funder", "deferred payment", "top up", "third party top up", "continuing healthcare", "nhs continuing healthcare", "chc", "chc checklist", "fnc", "funded nursing care", "fast track"},
		},
		{
			Code:        "money-housing-and-benefits/managing-affairs",
			Parent:      "money-housing-and-benefits",
			Label:       "Managing money and legal affairs",
			Description: "Help when someone needs another person to manage their money or make decisions for them, such as power of attorney or deputyship.",
			Keywords:    []string{"power of attorney", "lasting power of attorney", "lpa", "attorney", "appointee", "appointeeship", "deputy", "deputyship", "court of protection", "managing money", "can't manage money", "bank account", "bills not paid"},
		},

		// Safeguarding
		{
			Code:        "safeguarding",
			Label:       "Safeguarding",
			Description: "Protecting adults with care and support needs from abuse and neglect.",
			Keywords:    []string{"safeguarding", "safeguarding concern", "adult at risk", "risk of harm", "harm", "unsafe", "s42", "section 42", "s 42 enquiry"},
		},
		{
			Code:        "safeguarding/abuse-and-neglect",
			Parent:      "safeguarding",
			Label:       "Abuse and neglect",
			Description: "Concerns that someone is being abused, exploited or neglected by another person or by a service.",
			Keywords:    []string{"abuse", "abused", "neglect", "neglected", "financial abuse", "taking money", "scam", "scams", "scammed", "exploitation", "exploited", "cuckooing", "physical abuse", "bruising", "unexplained bruises", "unexplained injuries", "sexual abuse", "psychological abuse", "emotional abuse", "modern slavery", "organisational abuse", "poor care", "missed calls"},
		},
		{
			Code:        "safeguarding/domestic-abuse",
			Parent:      "safeguarding",
			Label:       "Domestic abuse",
			Description: "Support and safety planning for people harmed by a partner, ex-partner or family member.",
			Keywords:    []string{"domestic abuse", "domestic violence", "dv", "coercive control", "coercive", "controlling", "controlling partner", "partner hits", "violent partner", "marac", "idva", "honour based abuse", "forced marriage", "stalking"},
		},
		{
			Code:        "safeguarding/self-neglect-and-hoarding",
			Parent:      "safeguarding",
			Label:       "Self-neglect and hoarding",
			Description: "Help when someone is not looking after their own health, hygiene or home, or is hoarding, in a way that puts them at risk.",
			Keywords:    []string{"self neglect", "self-neglect", "neglecting themselves", "neglecting herself", "neglecting himself", "hoarding", "hoarder", "hoards", "clutter", "cluttered", "squalor", "unkempt", "filthy", "vermin", "pests", "refusing care", "refuses care", "refusing help", "refuses help", "declining care"},
		},
		{
			Code:        "safeguarding/mental-capacity-and-advocacy",
			Parent:      "safeguarding",
			Label:       "Mental capacity and advocacy",
			Description: "Capacity assessments, best-interests decisions, deprivation of liberty authorisations and independent advocates.",
			Keywords:    []string{"mental capacity", "capacity", "lacks capacity", "capacity assessment", "mca", "best interests", "best interests decision", "best interests meeting", "deprivation of liberty", "dols", "lps", "advocacy", "advocate", "imca", "care act advocate", "independent advocate"},
		},

		// Nursing care
		{
			Code:        "nursing-care",
			Label:       "Nursing care at home",
			Description: "Care from district and community nurses for people who can't easily get to their GP practice.",
			Keywords:    []string{"district nurse", "district nurses", "district nursing", "community nurse", "community nursing", "nurse", "nursing", "nurse visit", "housebound nursing"},
		},
		{
			Code:        "nursing-care/wound-and-pressure-care",
			Parent:      "nursing-care",
			Label:       "Wound and pressure care",
			Description: "Treating wounds, leg ulcers and pressure ulcers, and preventing pressure damage.",
			Keywords:    []string{"wound", "wound care", "wounds", "dressings", "wound dressing", "change dressing", "leg ulcer", "leg ulcers", "ulcer", "pressure ulcer", "pressure sore", "bed sore", "pressure damage", "pressure care", "pressure area", "red heels", "skin tear", "skin integrity", "pressure mattress", "air mattress", "pressure cushion", "cellulitis", "compression bandaging"},
		},
		{
			Code:        "nursing-care/medicines-support",
			Parent:      "nursing-care",
			Label:       "Help with medicines",
			Description: "Support to take medicines safely, including reminders, blister packs, medicine reviews and injections.",
			Keywords:    []string{"medication", "medications", "medicines", "medicine", "tablets", "pills", "meds", "prompting", "prompt medication", "medication prompt", "blister pack", "dosette", "dosette box", "nomad", "compliance aid", "medication review", "medicines review", "missed doses", "not taking tablets", "stockpiling", "insulin", "injections", "eye drops", "pharmacist"},
		},
		{
			Code:        "nursing-care/continence-and-catheter-care",
			Parent:      "nursing-care",
			Label:       "Continence and catheter care",
			Description: "Assessment and treatment for bladder and bowel problems, and care of catheters and stomas.",
			Keywords:    []string{"continence", "incontinence", "incontinent", "continence assessment", "continence service", "catheter", "catheter care", "blocked catheter", "bladder", "bowel", "constipation", "constipated", "stoma", "urine infection", "uti", "leaking", "continence products"},
		},
		{
			Code:        "nursing-care/long-term-conditions",
			Parent:      "nursing-care",
			Label:       "Long-term conditions and frailty",
			Description: "Monitoring and care at home for people who are frail or have conditions such as heart failure, COPD or diabetes.",
			Keywords:    []string{"long term condition", "long term conditions", "ltc", "frailty", "frail", "heart failure", "copd", "breathless", "breathlessness", "oxygen", "diabetes", "diabetic", "blood sugar", "blood test", "bloods", "phlebotomy", "observations", "community matron", "case management", "multimorbidity", "self management"},
		},

		// End of life
		{
			Code:        "end-of-life",
			Label:       "End of life care",
			Description: "Care and support for people in the last months of life, and for the people close to them.",
			Keywords:    []string{"end of life", "eol", "dying", "terminal", "terminally ill", "last weeks of life", "last days of life", "life limiting", "prognosis"},
		},
		{
			Code:        "end-of-life/palliative-care-at-home",
			Parent:      "end-of-life",
			Label:       "Palliative care at home",
			Description: "Nursing and specialist care to keep someone comfortable at home, including hospice at home and fast-track funding.",
			Keywords:    []string{"palliative", "palliative care", "hospice", "hospice at home", "symptom control", "pain control", "just in case medicines", "anticipatory medicines", "syringe driver", "fast track", "fast-track", "die at home", "dying at home", "preferred place of death", "gold standards framework"},
		},
		{
			Code:        "end-of-life/advance-care-planning",
			Parent:      "end-of-life",
			Label:       "Advance care planning",
			Description: "Talking about and recording what a person wants for their future care, including emergency care and resuscitation.",
			Keywords:    []string{"advance care plan", "advance care planning", "acp", "dnacpr", "dnar", "dnr", "do not resuscitate", "respect form", "treatment escalation plan", "tep", "advance decision", "adrt", "advance statement", "wishes", "preferred place of care", "ppc"},
		},
		{
			Code:        "end-of-life/bereavement",
			Parent:      "end-of-life",
			Label:       "Bereavement support",
			Description: "Support for people who are grieving after someone close to them has died.",
			Keywords:    []string{"bereavement", "bereaved", "grief", "grieving", "died", "death", "passed away", "widow", "widowed", "widower", "funeral", "funeral costs"},
		},

		// Learning disability and autism
		{
			Code:        "learning-disability-and-autism",
			Label:       "Learning disability and autism",
			Description: "Support for people with a learning disability, autistic people and their families.",
			Keywords:    []string{"learning disability", "learning disabilities", "learning difficulty", "learning difficulties", "ld", "autism", "autistic", "asd", "down syndrome", "downs syndrome"},
		},
		{
			Code:        "learning-disability-and-autism/health-and-wellbeing",
			Parent:      "learning-disability-and-autism",
			Label:       "Health support for people with a learning disability",
			Description: "Annual health checks, health action plans, reasonable adjustments and specialist learning disability health teams.",
			Keywords:    []string{"annual health check", "health check", "health action plan", "reasonable adjustments", "easy read", "hospital passport", "learning disability nurse", "community learning disability team", "cldt", "stomp", "learning disability register"},
		},
		{
			Code:        "learning-disability-and-autism/daily-support",
			Parent:      "learning-disability-and-autism",
			Label:       "Daily support and independent living",
			Description: "Support workers and skills training that help people with a learning disability live as independently as they can.",
			Keywords:    []string{"support worker", "support hours", "independent living", "living independently", "independent living skills", "travel training", "employment support", "supported employment", "work experience"},
		},
		{
			Code:        "learning-disability-and-autism/autism-support",
			Parent:      "learning-disability-and-autism",
			Label:       "Autism assessment and support",
			Description: "Diagnostic assessment for adults who may be autistic, and support after diagnosis.",
			Keywords:    []string{"autism assessment", "autism diagnosis", "asd assessment", "neurodivergent", "neurodiversity", "sensory needs", "sensory overload", "meltdown", "meltdowns", "shutdown", "masking", "social communication"},
		},
		{
			Code:        "learning-disability-and-autism/moving-to-adult-services",
			Parent:      "learning-disability-and-autism",
			Label:       "Moving to adult services",
			Description: "Planning for the move from children's to adult services as a young person approaches 18.",
			Keywords:    []string{"transition", "transitions", "transition assessment", "preparing for adulthood", "turning 18", "turns 18", "leaving school", "leaving college", "young adult", "ehcp", "education health and care plan", "childrens services"},
		},

		// Substance use
		{
			Code:        "substance-use",
			Label:       "Drugs and alcohol",
			Description: "Treatment and support for people whose use of alcohol or drugs is harming them or others.",
			Keywords:    []string{"substance use", "substance misuse", "addiction", "addicted", "dependency", "dependent", "recovery service", "detox", "rehab centre"},
		},
		{
			Code:        "substance-use/alcohol",
			Parent:      "substance-use",
			Label:       "Alcohol",
			Description: "Help for people who drink too much, from brief advice to detox and recovery support.",
			Keywords:    []string{"alcohol", "alcoholic", "alcoholism", "alcohol dependence", "alcohol misuse", "drinking too much", "drinks too much", "heavy drinking", "drinks heavily", "drunk", "binge drinking", "alcohol detox"},
		},
		{
			Code:        "substance-use/drugs",
			Parent:      "substance-use",
			Label:       "Drugs",
			Description: "Help for people who use drugs, including harm reduction, prescribing and recovery support.",
			Keywords:    []string{"drugs", "drug use", "drug misuse", "drug user", "heroin", "crack", "cocaine", "cannabis", "spice", "ketamine", "opiates", "opioids", "methadone", "buprenorphine", "needle exchange", "naloxone", "chemsex", "prescription drug dependence", "painkiller addiction"},
		},

		// Hospital discharge
		{
			Code:        "hospital-discharge",
			Label:       "Hospital discharge and avoiding admission",
			Description: "Getting home safely from hospital, and urgent help at home to avoid going into hospital.",
			Keywords:    []string{"hospital", "in hospital", "admission", "admitted", "readmission", "readmitted", "accident and emergency", "frequent attender"},
		},
		{
			Code:        "hospital-discharge/leaving-hospital",
			Parent:      "hospital-discharge",
			Label:       "Leaving hospital",
			Description: "Planning and support for going home from hospital, including discharge to assess and help in the first weeks.",
			Keywords:    []string{"discharge", "discharged", "hospital discharge", "going home from hospital", "coming home from hospital", "home from hospital", "leaving hospital", "discharge to assess", "d2a", "pathway 1", "pathway 2", "pathway 3", "medically fit", "medically optimised", "mffd", "nctr", "no criteria to reside", "delayed discharge", "settling in", "take home and settle"},
		},
		{
			Code:        "hospital-discharge/intermediate-care",
			Parent:      "hospital-discharge",
			Label:       "Intermediate care and step-down beds",
			Description: "Short stays in a community bed for rehabilitation or recovery before going home.",
			Keywords:    []string{"intermediate care", "step down", "step-down", "step down bed", "step up", "step up bed", "rehab bed", "community hospital", "bed based rehab", "short term bed", "interim bed", "discharge bed"},
		},
		{
			Code:        "hospital-discharge/urgent-community-response",
			Parent:      "hospital-discharge",
			Label:       "Urgent help to avoid a hospital admission",
			Description: "A rapid visit at home, usually within two hours, when someone is getting worse quickly but does not need A&E.",
			Keywords:    []string{"urgent community response", "ucr", "rapid response", "two hour response", "2 hour response", "crisis response", "avoid admission", "admission avoidance", "virtual ward", "hospital at home", "falls response", "deteriorating", "unwell", "acutely unwell"},
		},
	}
}
