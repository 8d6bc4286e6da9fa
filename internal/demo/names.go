package demo

// nameGroup is a set of given and family names common among people of one
// background in London. Drawing both names from one group keeps invented
// names plausible; the weights are rough, not census figures.
type nameGroup struct {
	weight int
	given  []string
	family []string
}

func nameGroups() []nameGroup {
	return []nameGroup{
		{42, // English, Scottish, Welsh and Irish
			[]string{
				"Margaret", "Patricia", "Jean", "Doreen", "Sheila", "Brenda", "Maureen", "Joan",
				"Eileen", "Irene", "Sylvia", "Kathleen", "Dorothy", "Barbara", "Pauline", "Carol",
				"Susan", "Linda", "Karen", "Julie", "Sarah", "Emma", "Rebecca", "Sophie", "Olivia",
				"Bridget", "Siobhan", "Fiona", "Rhiannon", "Ellen",
				"John", "David", "Michael", "Peter", "Robert", "Brian", "Kenneth", "Alan", "Keith",
				"Colin", "Derek", "Roy", "Terence", "Ronald", "Anthony", "Stephen", "Paul", "Mark",
				"Gary", "Daniel", "James", "Thomas", "Jack", "Liam", "Ryan", "Patrick", "Sean",
				"Declan", "Gareth", "Callum",
			},
			[]string{
				"Smith", "Jones", "Williams", "Brown", "Taylor", "Davies", "Wilson", "Evans",
				"Thomas", "Johnson", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White",
				"Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Clarke", "Jackson",
				"Turner", "Hill", "Moore", "Cooper", "Ward", "King", "Baker", "Fletcher", "Barnes",
				"Murphy", "O'Brien", "Kelly", "Byrne", "O'Sullivan", "Walsh", "McCarthy", "Doyle",
				"Stewart", "MacDonald", "Fraser", "Lloyd", "Price", "Morgan",
			},
		},
		{8, // Caribbean
			[]string{
				"Winston", "Delroy", "Errol", "Lloyd", "Clive", "Leroy", "Everton", "Jermaine",
				"Tyrone", "Beverley", "Marcia", "Hyacinth", "Claudette", "Yvonne", "Pearline",
				"Shanice", "Jasmine", "Andre",
			},
			[]string{
				"Campbell", "Williams", "Francis", "Grant", "Reid", "Thompson", "Bailey", "Henry",
				"Gordon", "Clarke", "Samuels", "McKenzie", "Richards", "Lewis", "Bennett",
			},
		},
		{10, // West African
			[]string{
				"Adebayo", "Oluwaseun", "Folake", "Funmilayo", "Tunde", "Ngozi", "Chidi", "Emeka",
				"Chiamaka", "Kwame", "Kofi", "Yaw", "Ama", "Abena", "Akosua", "Comfort", "Grace",
				"Samuel", "Blessing", "Ebenezer",
			},
			[]string{
				"Okafor", "Adeyemi", "Okonkwo", "Adeleke", "Eze", "Bello", "Ogunleye", "Nwosu",
				"Mensah", "Owusu", "Boateng", "Asante", "Osei", "Appiah", "Darko",
			},
		},
		{14, // South Asian
			[]string{
				"Mohammed", "Abdul", "Imran", "Tariq", "Rahima", "Shamima", "Nasreen", "Farida",
				"Anil", "Sunita", "Rajesh", "Meena", "Gurpreet", "Harjit", "Priya", "Arjun", "Aisha",
				"Zainab", "Ravi", "Lakshmi", "Sanjay", "Rukhsana",
			},
			[]string{
				"Patel", "Khan", "Ahmed", "Hussain", "Ali", "Shah", "Singh", "Sharma", "Chowdhury",
				"Rahman", "Islam", "Uddin", "Miah", "Gupta", "Iqbal", "Mistry", "Joshi", "Sandhu",
			},
		},
		{4, // Turkish and Kurdish
			[]string{
				"Mehmet", "Mustafa", "Hüseyin", "Ali", "Emre", "Ayşe", "Hatice", "Fatma", "Emine",
				"Gülten", "Zeynep", "Deniz",
			},
			[]string{"Yılmaz", "Kaya", "Demir", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan", "Koç"},
		},
		{2, // Greek Cypriot
			[]string{"Andreas", "Georgios", "Christos", "Costas", "Eleni", "Maria", "Despina", "Androulla"},
			[]string{"Georgiou", "Christodoulou", "Constantinou", "Papadopoulos", "Ioannou", "Charalambous"},
		},
		{4, // Orthodox Jewish
			[]string{"Chaim", "Yehuda", "Shmuel", "Moshe", "Yosef", "Miriam", "Rivka", "Esther", "Chana", "Leah"},
			[]string{"Cohen", "Levy", "Friedman", "Goldberg", "Weiss", "Klein", "Rosenberg", "Schwartz", "Gross"},
		},
		{5, // Polish
			[]string{
				"Krzysztof", "Piotr", "Tomasz", "Andrzej", "Marek", "Agnieszka", "Katarzyna",
				"Magdalena", "Ewa", "Małgorzata",
			},
			[]string{"Nowak", "Wójcik", "Mazur", "Woźniak", "Kaczmarek", "Wróbel", "Lis", "Sikora"},
		},
		{5, // Vietnamese and Chinese
			[]string{"Minh", "Thanh", "Lan", "Hoa", "Tuan", "Wei", "Mei", "Jun", "Ling", "Hui"},
			[]string{"Nguyen", "Tran", "Pham", "Le", "Hoang", "Chen", "Wang", "Wong", "Lin", "Zhang", "Li"},
		},
		{4, // Somali
			[]string{"Abdi", "Abdullahi", "Mohamed", "Yusuf", "Hassan", "Fadumo", "Hodan", "Amina", "Asha", "Khadra", "Sahra"},
			[]string{"Mohamed", "Abdi", "Hassan", "Farah", "Warsame", "Hussein", "Osman", "Jama", "Ismail"},
		},
		{2, // Portuguese and Latin American
			[]string{"Maria", "Ana", "Luísa", "Beatriz", "João", "Carlos", "Pedro", "Diego"},
			[]string{"Silva", "Santos", "Ferreira", "Pereira", "Costa", "Rodrigues", "Gomes", "Martins"},
		},
	}
}
